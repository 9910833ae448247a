/** `'…'` with embedded quotes escaped: safe for any POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Seconds between the watchdog's SIGTERM and SIGKILL to the session's process group. */
export const REMOTE_KILL_GRACE_S = 2;

/**
 * The remote command line, always `sh -c '<script>'` so it works under any login shell.
 *
 * - env travels as `export K='v';` in front: sshd usually refuses `setenv` (AcceptEnv).
 * - sudo: `sudo -n sh -c '<exports><run>'`; exports go inside because sudo resets the
 *   environment, and `-n` fails instead of waiting for a password nobody can type.
 * - stdin: commands read /dev/null (like `ssh -n`). The channel's stdin goes to a small
 *   watchdog instead: when it reaches EOF while the command still runs (drillbook aborted
 *   and sent EOF, or the connection died) it sends TERM, then KILL, to the session's process
 *   group. sshd only honours signal requests with privilege separation, i.e. not for root
 *   logins and not on every server; the watchdog makes abort work everywhere. After a normal
 *   exit the shell is gone, so the watchdog does nothing (background daemons survive).
 */
export function remoteCommand(run: string, env: Record<string, string>, sudo: boolean): string {
  const exports = Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}; `)
    .join('');
  const body = sudo ? `sudo -n sh -c ${shellQuote(`${exports}${run}`)}` : `${exports}${run}`;
  const watchdog =
    `(trap '' TERM; cat >/dev/null; kill -0 $$ 2>/dev/null || exit 0; ` +
    `kill -TERM 0; sleep ${REMOTE_KILL_GRACE_S}; kill -KILL 0) <&3 >/dev/null 2>&1 &`;
  return `sh -c ${shellQuote(`exec 3<&0 </dev/null; ${watchdog} exec 3<&-; ${body}`)}`;
}
