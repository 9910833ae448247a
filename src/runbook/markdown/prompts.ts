/**
 * Runme-style shell prompts: docs often write commands as `$ cmd` so readers can tell them
 * from output. Runme removes a leading `$` from each line before running a block; drillbook
 * does the same, but only when the block is unambiguous: every command line has a prompt.
 * Blank lines, `#` comments and the lines a trailing `\` continues need none. A block where
 * some command lines have a prompt and others do not is a console transcript, whose output
 * lines would run as commands: that is refused. `$VAR`, `${VAR}` and `$(cmd)` are not prompts
 * (a prompt is `$` followed by a space or the end of the line).
 */
export type PromptResult =
  | { ok: true; command: string }
  /** Body lines (0-based) of the first line with a prompt and the first without one. */
  | { ok: false; prompted: number; bare: number };

const PROMPT = /^[ \t]*\$(?:[ \t]+|$)/;

export function stripPrompts(command: string): PromptResult {
  const lines = command.split('\n');
  const prompts = new Set<number>();
  let bare = -1;
  let continued = false;
  lines.forEach((line, i) => {
    const neutral = continued || line.trim() === '' || /^[ \t]*#/.test(line);
    continued = /\\$/.test(line);
    if (neutral) return;
    if (PROMPT.test(line)) prompts.add(i);
    else if (bare === -1) bare = i;
  });
  const [prompted] = prompts;
  if (prompted === undefined) return { ok: true, command };
  if (bare !== -1) return { ok: false, prompted, bare };
  return {
    ok: true,
    command: lines.map((line, i) => (prompts.has(i) ? line.replace(PROMPT, '') : line)).join('\n'),
  };
}
