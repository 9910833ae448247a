import { shellAssignments, splitBySize } from '../runbook/large-values.js';

/** `'…'` with embedded quotes escaped: safe for any POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Seconds between the watchdog's SIGTERM and SIGKILL to the session's process group. */
export const REMOTE_KILL_GRACE_S = 2;

/** Ends the script on stdin, so a script cut short (connection lost) is never run. */
const END_MARK = '#drillbook:end';

/** What runs on the host: a fixed command line, and the script with its values on stdin. */
export interface RemoteInvocation {
  /** The exec request: the same text for every step (no value, no secret, no script). */
  command: string;
  /** Written to the channel's stdin first: `<bytes>\n<script>#drillbook:end`. */
  input: Buffer;
}

/**
 * The remote command is always `sh -c '<bootstrap>'`, the same for every step (one text with
 * sudo, one without), so nothing a step says appears in any remote process's argv, and
 * sshd's AcceptEnv does not matter. The step arrives on stdin as a script:
 *
 *   K='<value>'; export K                          env: of the step
 *   DRILLBOOK_V1='<value>'; export DRILLBOOK_V1   the values of the templates in run:
 *   <run>                                          the text as rendered (references only)
 *
 * Each value is single-quoted with every `'` written as `'\''`: the one quoting that needs
 * no lexer (nothing inside '...' is special). The bootstrap reads exactly that many bytes,
 * checks the end mark (a script cut short is never run), then `eval`s it in the same shell.
 *
 * - sudo: the script goes on the stdin of `sudo -n sh -c`, so the values reach root's shell
 *   without the environment sudo resets, and `-n` fails instead of waiting for a password.
 * - stdin: commands read /dev/null (like `ssh -n`). After the script the channel's stdin
 *   goes to a small watchdog: when it reaches EOF while the command still runs (drillbook
 *   aborted and sent EOF, or the connection died) it sends TERM, then KILL, to the session's
 *   process group. sshd only honours signal requests with privilege separation, i.e. not for
 *   root logins and not on every server; the watchdog makes abort work everywhere. After a
 *   normal exit the shell is gone, so the watchdog does nothing (background daemons survive).
 */
export function remoteCommand(
  run: string,
  env: Record<string, string>,
  values: Readonly<Record<string, string>>,
  sudo: boolean,
): RemoteInvocation {
  const assign = (k: string, v: string) => `${k}=${shellQuote(v)}; export ${k}\n`;
  // env: first, so a value variable always means the template it was made for. A value too
  // large for the environment stays a variable of this shell only (see large-values.ts).
  const { small, large } = splitBySize(values);
  const assignments = [
    ...[...Object.entries(env), ...Object.entries(small)].map(([k, v]) => assign(k, v)),
    ...Object.keys(large).map((k) => `unset ${k}\n`),
    shellAssignments(large),
  ];
  const script = Buffer.from(`unset __drillbook_n __drillbook_p\n${assignments.join('')}${run}${END_MARK}`);
  const input = Buffer.concat([Buffer.from(`${script.length}\n`), script]);
  return { command: sudo ? SUDO_COMMAND : COMMAND, input };
}

/** Reads the script (see remoteCommand) into $__drillbook_p, or exits 125. */
const READ_SCRIPT =
  'IFS= read -r __drillbook_n || exit 125; ' +
  '__drillbook_p=$(head -c "$__drillbook_n"; echo .); ' +
  `case $__drillbook_p in *'${END_MARK}.') __drillbook_p=\${__drillbook_p%'${END_MARK}.'} ;; ` +
  "*) echo 'drillbook: the command did not arrive whole' >&2; exit 125 ;; esac; ";

const WATCHDOG =
  'exec 3<&0 </dev/null; ' +
  `(trap '' TERM; cat >/dev/null; kill -0 $$ 2>/dev/null || exit 0; ` +
  `kill -TERM 0; sleep ${REMOTE_KILL_GRACE_S}; kill -KILL 0) <&3 >/dev/null 2>&1 & exec 3<&-; `;

/** Root's shell reads the script from its stdin (the pipe), then runs it reading /dev/null. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a JS template
const AS_ROOT = '__drillbook_p=$(cat; echo .); exec </dev/null; eval "${__drillbook_p%.}"';

const COMMAND = `sh -c ${shellQuote(`${READ_SCRIPT}${WATCHDOG}eval "$__drillbook_p"`)}`;
const SUDO_COMMAND = `sh -c ${shellQuote(
  `${READ_SCRIPT}${WATCHDOG}printf '%s' "$__drillbook_p" | sudo -n sh -c ${shellQuote(AS_ROOT)}`,
)}`;
