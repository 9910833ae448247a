/**
 * The `commands` an `ssm:` step sends, with the values of its templates defined first.
 *
 * SSM cannot hand a value to AWS-RunShellScript as data: the document has no environment
 * parameter, and the only channel is the script text itself. So rendering (as for `run:` and
 * `ssh:`) leaves only references (`"${DRILLBOOK_V1}"`) in the author's lines, and this module
 * prepends one line per value that defines the variable from the value's base64 text:
 *
 *   DRILLBOOK_V1=$(printf '%s' 'JChybSAtcmYgfik=' | base64 -d; echo .); DRILLBOOK_V1=${DRILLBOOK_V1%.}
 *
 * Base64 rather than a quoted literal because SSM itself rewrites parameter text before the
 * shell sees it: `{{ssm:/name}}` in a command is replaced with a Parameter Store value. A
 * value holding `{{ssm:...}}` (or a quote, `$(...)`, a newline) is written with the letters
 * A-Z a-z 0-9 + / = only, so neither SSM nor the shell can read anything into it. The `.`
 * keeps trailing newlines, which `$(...)` would drop.
 */
export function commandsWithValues(
  commands: readonly string[],
  values: Readonly<Record<string, string>>,
): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
    if (value.includes('\u0000')) {
      throw new Error('a template value holds a NUL byte, which no shell variable can carry');
    }
    const encoded = Buffer.from(value, 'utf8').toString('base64');
    lines.push(`${name}=$(printf '%s' '${encoded}' | base64 -d; echo .); ${name}=\${${name}%.}`);
  }
  return [...lines, ...commands];
}
