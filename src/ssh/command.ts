/** `'…'` with embedded quotes escaped: safe for any POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The remote command line. sshd usually refuses `setenv` (AcceptEnv), so env travels as
 * `export K='v';` in front. With sudo the exports go inside the root shell, because sudo
 * resets the environment; `-n` makes sudo fail instead of waiting for a password.
 */
export function remoteCommand(run: string, env: Record<string, string>, sudo: boolean): string {
  const exports = Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}; `)
    .join('');
  // stdin is the channel, which stays open so a signal can still be sent on abort; commands
  // must not wait on it, so they read /dev/null instead (like `ssh -n`).
  const script = `exec </dev/null; ${exports}${run}`;
  return sudo ? `sudo -n sh -c ${shellQuote(script)}` : script;
}
