import type { Code } from 'mdast';
import { type Attribute, AttributeError, parseAttributes } from './attributes.js';
import type { Draft } from './draft.js';
import { metaColumn } from './fences.js';
import { stripPrompts } from './prompts.js';
import type { MarkdownSource, Problems } from './source.js';

/** Attributes that configure the command itself rather than the step. */
// concurrency, max_errors, batches: an ssh fan-out's limits (`batches=1,25%,100%`).
const ACTION_ATTRS = new Set(['host', 'sudo', 'env', 'cwd', 'concurrency', 'max_errors', 'batches']);
/**
 * Runme's own cell options: meaningful to Runme, ignored here so Runme files load.
 * (`background` is not among them: it is a step key, meaning what it means to Runme.)
 */
const RUNME_ONLY = new Set([
  'interactive',
  'closeTerminalOnSuccess',
  'excludeFromRunAll',
  'terminalRows',
  'promptEnv',
  'mimeType',
  'category',
  'interpreter',
]);

/**
 * A ```sh block becomes the step's action: `run: <code>` locally, or `ssh:` when it names a
 * host. Other attributes (id, timeout, retries, ...) are step keys. With the `undo` flag the
 * block is the step's undo action instead, and only command attributes may go on it.
 */
export function addShellBlock(draft: Draft, code: Code, src: MarkdownSource, problems: Problems): void {
  const start = code.position!.start;
  const fence = src.pos(start.line, start.column);
  const at = (column: number) => src.pos(start.line, column);
  const prompts = stripPrompts(code.value);
  if (!prompts.ok) {
    const line = (i: number) => start.line + 1 + i;
    problems.add(
      src.pos(line(prompts.bare), 1),
      `line ${line(prompts.bare)} has no \`$ \` prompt but line ${line(prompts.prompted)} has one: this looks like a console transcript, where output lines would run as commands`,
      'drop every `$ ` prompt, put prompts on every command line, or mark the block as documentation (```console)',
      draft.path,
    );
    return;
  }
  try {
    const attrs = parseAttributes(code.meta, metaColumn(code, src)).filter((a) => !RUNME_ONLY.has(a.key));
    const undo = attrs.find((a) => a.key === 'undo');
    const stepAttrs = attrs.filter((a) => a !== undo && !ACTION_ATTRS.has(a.key));
    const { key, config, parts } = shellAction(
      prompts.command,
      attrs.filter((a) => ACTION_ATTRS.has(a.key)),
      (code.lang ?? '').toLowerCase() === 'bash',
    );
    const body = src.pos(start.line + 1, start.column);
    if (undo && undo.value !== false) {
      const misplaced = stepAttrs[0];
      if (misplaced) {
        throw new AttributeError(
          `\`${misplaced.key}\` is a step setting and cannot go on an undo block`,
          misplaced.column,
          "put it on the step's main ```sh block",
        );
      }
      if (!draft.set('undo', { [key]: config }, fence)) return;
      draft.position(`undo.${key}`, fence);
      draft.position(`undo.${key}.${key === 'ssh' ? 'run' : 'command'}`, body);
      for (const a of parts) draft.position(`undo.${key}.${a.key}`, at(a.column));
      return;
    }
    if (draft.has('run') || draft.has('ssh')) {
      problems.add(fence, 'a step has one action; split into two ## headings', undefined, draft.pathOf(key));
      return;
    }
    if (!draft.set(key, config, fence)) return;
    draft.position(`${key}.${key === 'ssh' ? 'run' : 'command'}`, body);
    for (const a of parts) draft.position(`${key}.${a.key}`, at(a.column));
    for (const a of stepAttrs) draft.set(a.key, a.value, at(a.column));
  } catch (error) {
    if (!(error instanceof AttributeError)) throw error;
    problems.add(at(error.column), error.message, error.hint, draft.path);
  }
}

function shellAction(
  command: string,
  parts: Attribute[],
  bash: boolean,
): { key: 'run' | 'ssh'; config: unknown; parts: Attribute[] } {
  const options: Record<string, unknown> = {};
  for (const a of parts) options[a.key] = a.key === 'env' ? readEnv(a) : a.value;
  if (typeof options['batches'] === 'string') options['batches'] = waves(options['batches']);
  else if (typeof options['batches'] === 'number') options['batches'] = [options['batches']];
  const { host, ...rest } = options;
  if (host !== undefined) {
    // `host=blue,green` fans out; the JSON form may give a list itself.
    const names = typeof host === 'string' ? host.split(',').map((h) => h.trim()) : undefined;
    const target = names ? (names.length === 1 ? names[0] : names) : host;
    return { key: 'ssh', config: { host: target, run: command, ...rest }, parts };
  }
  // A ```bash block runs with bash, as Runme runs it: `/bin/sh` may be dash.
  if (bash) rest['shell'] = 'bash';
  if (Object.keys(rest).length === 0) return { key: 'run', config: command, parts };
  return { key: 'run', config: { command, ...rest }, parts };
}

/** `env="A=1 B=2"` (or the JSON form's object) into `{A: '1', B: '2'}`. */
function readEnv(a: Attribute): unknown {
  if (typeof a.value !== 'string') return a.value;
  const env: Record<string, string> = {};
  for (const pair of a.value.split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new AttributeError(
        `env expects NAME=value pairs, got \`${pair}\``,
        a.column,
        'e.g. env="REGION=us-west-2 DEBUG=1"',
      );
    }
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** `1,25%,100%` → [1, "25%", "100%"]: numbers as numbers, as the YAML form has them. */
function waves(text: string): Array<number | string> {
  return text.split(',').map((w) => (/^\d+$/.test(w.trim()) ? Number(w.trim()) : w.trim()));
}
