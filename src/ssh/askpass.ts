import { execFile } from 'node:child_process';

/**
 * A passphrase from the user's SSH_ASKPASS program, as `ssh` gets one without a terminal: used
 * when SSH_ASKPASS is set and SSH_ASKPASS_REQUIRE is `force` or `prefer`, or DISPLAY is set
 * (OpenSSH's rule). The program gets the prompt as its argument and prints the passphrase;
 * drillbook keeps it in memory only (never in argv, output or reports). undefined = no source,
 * or the program failed (the key is then skipped with a note).
 */
export function askpassPassphrase(
  keyPath: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const program = env['SSH_ASKPASS'];
  const require = env['SSH_ASKPASS_REQUIRE'];
  if (!program || require === 'never') return Promise.resolve(undefined);
  if (require !== 'force' && require !== 'prefer' && !env['DISPLAY']) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      program,
      [`Enter passphrase for key '${keyPath}': `],
      { env: env as NodeJS.ProcessEnv, timeout: 60_000, maxBuffer: 64 * 1024, encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : stdout.replace(/\r?\n$/, '')),
    );
  });
}
