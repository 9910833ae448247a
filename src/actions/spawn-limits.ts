/** Linux's limit on one argument or environment string (MAX_ARG_STRLEN). */
const ONE_STRING_LIMIT = 128 * 1024;

/**
 * Why the system refused to start a step's shell, in words a runbook author can act on, or
 * undefined when `error` is not that. E2BIG means one string of the command line or the
 * environment is over 128 KiB, or all of them together exceed the system's limit (ARG_MAX,
 * usually 2 MiB). Names and sizes only: an environment variable may hold a secret.
 */
export function tooLargeToStart(
  error: unknown,
  command: string,
  env: Readonly<Record<string, string>>,
): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'E2BIG') return undefined;
  const sizes = Object.entries(env).map(([k, v]) => ({ name: k, bytes: Buffer.byteLength(`${k}=${v}`) + 1 }));
  const total = sizes.reduce((sum, s) => sum + s.bytes, Buffer.byteLength(command) + 1);
  const largest = sizes.sort((a, b) => b.bytes - a.bytes)[0];
  const commandBytes = Buffer.byteLength(command);
  const culprit =
    commandBytes > ONE_STRING_LIMIT
      ? `the command text is ${commandBytes} bytes`
      : largest && largest.bytes > ONE_STRING_LIMIT
        ? `environment variable ${largest.name} holds ${largest.bytes} bytes`
        : `the command and its environment hold ${total} bytes in all`;
  return (
    `the system refused to start /bin/sh (E2BIG): ${culprit}; one variable or the command may ` +
    'hold at most 128 KiB, all together about 2 MiB (a {{ }} value in the command has no such limit)'
  );
}
