/**
 * Values too large to be environment variables. Linux refuses to start a program when one
 * environment string exceeds 128 KiB (E2BIG), and an exported variable is copied into every
 * program a script starts. So a value over ENV_VALUE_LIMIT is handed to the step's shell as a
 * shell variable that is NOT exported: assigned by a `NAME='value'` line the shell reads from
 * a pipe (locally) or from the script on stdin (SSH). The script sees it exactly as any other
 * value (`"${DRILLBOOK_V1}"` expands to it, in a here-document too); the programs it starts do
 * not inherit it, so they still start. Passing it to one program as a single argument over
 * 128 KiB still fails, with the shell's "Argument list too long": that is the system's limit.
 */
export const ENV_VALUE_LIMIT = 32 * 1024;

export function isLargeValue(value: string): boolean {
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip the byte count for most values.
  return value.length * 3 > ENV_VALUE_LIMIT && Buffer.byteLength(value) > ENV_VALUE_LIMIT;
}

/** The values split into those the environment can hold and those it should not. */
export function splitBySize(values: Readonly<Record<string, string>>): {
  small: Record<string, string>;
  large: Record<string, string>;
} {
  const small: Record<string, string> = {};
  const large: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) (isLargeValue(value) ? large : small)[name] = value;
  return { small, large };
}

/**
 * `NAME='value'` lines, each `'` written `'\''`: the one quoting that needs no lexer
 * (nothing inside '...' is special), so a value cannot end its assignment early.
 */
export function shellAssignments(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}='${value.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}

/**
 * Put before a local command whose large values arrive on its stdin: runs the assignments in
 * the same shell, then gives the command /dev/null as stdin, as every step has. On the
 * command's first line, so the line numbers in the shell's messages stay the author's.
 */
export const READ_LARGE_VALUES = 'eval "$(command -p cat)"; exec </dev/null; ';
