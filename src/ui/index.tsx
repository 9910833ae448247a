import { onStopSignals } from '../engine/two-stage-stop.js';
import { clearOnResize } from './clear-on-resize.js';
import { exitSummary } from './exit-summary.js';
import { disableStyling } from './palette.js';
import { type SessionOptions, TuiSession } from './session.js';
import { allLines } from './state/line-buffer.js';
import { captureStrayOutput } from './stray-output.js';
import { terminalPager } from './terminal-pager.js';

export interface TuiOptions extends Omit<SessionOptions, 'flushMs'> {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * Runs a drill with the Ink TUI and resolves with the run's exit code. Ctrl-C (a key in
 * raw mode) and SIGTERM abort the drill rather than the process, so finally steps run on
 * screen; the terminal is restored (cooked mode, visible cursor, stderr and console put
 * back) however this ends, a crash included.
 */
export async function runTui(options: TuiOptions): Promise<number> {
  // React's development build is several times slower and checks every render; a CLI
  // user never wants it. Set before React loads (hence the dynamic import below).
  process.env['NODE_ENV'] ??= 'production';
  const { mount } = await withoutStyling(options.color === false, () => import('./mount.js'));
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const session = new TuiSession(options);
  session.pageFile = terminalPager(stdin, stdout, process.env, options.color !== false);
  const restoreTerminal = () => {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    if (stdout.isTTY) stdout.write('\u001b[?25h');
  };
  const restoreSignals = onStopSignals((signal) => {
    // While the pager is open, Ctrl-C is meant for it (less stops a search with it), not the drill.
    if (signal === 'SIGINT' && session.paging.current() !== undefined) return;
    // SIGHUP: the terminal went away; the drill still rolls back, runs finally and writes its reports.
    session.abort(signal);
  });
  // Once the terminal is gone (a hang-up), every write to it fails with EIO; unheard, that
  // error ended drillbook before rollback, finally and the reports. The screen is only a view.
  // Left attached: the summary and the cursor restore below write to the terminal too.
  const ignoreTerminalError = () => undefined;
  stdout.on('error', ignoreTerminalError);
  stdin.on('error', ignoreTerminalError);
  // Last line of defence if something calls process.exit() while we are mounted.
  process.once('exit', restoreTerminal);
  const restoreOutput = captureStrayOutput(session.message);
  const stopClearing = stdout.isTTY ? clearOnResize(stdout) : () => undefined;
  const ink = mount(session, { stdin, stdout, ...(options.stderr ? { stderr: options.stderr } : {}) });
  // Created now: Ink only resolves an exit promise that exists when it unmounts.
  const exited = ink.waitUntilExit().catch(() => undefined);
  try {
    const end = await session.run();
    // Let the summary with the report paths reach the screen before unmounting.
    await new Promise((resolve) => setTimeout(resolve, 60));
    return end.exitCode;
  } finally {
    ink.unmount();
    await exited;
    stopClearing();
    restoreOutput();
    replayMessages(session);
    leaveSummary(session, stdout);
    restoreSignals();
    process.off('exit', restoreTerminal);
    restoreTerminal();
  }
}

/**
 * NO_COLOR / --no-color. (So nothing this file imports statically may import ink.) Ink styles through chalk, which reads FORCE_COLOR once, when it is
 * first loaded: set to 0 just for that load (steps must not inherit it), and chalk's level
 * set to 0 for a copy that is loaded already (in-process tests, an unbundled build).
 */
async function withoutStyling<T>(off: boolean, load: () => Promise<T>): Promise<T> {
  if (!off) return load();
  const before = process.env['FORCE_COLOR'];
  process.env['FORCE_COLOR'] = '0';
  try {
    return await load();
  } finally {
    if (before === undefined) delete process.env['FORCE_COLOR'];
    else process.env['FORCE_COLOR'] = before;
    disableStyling();
  }
}

/** The verdict, step table and report paths stay in the scrollback once the TUI is gone. */
function leaveSummary(session: TuiSession, stdout: NodeJS.WriteStream): void {
  session.store.flush();
  const text = exitSummary(session.store.getSnapshot(), stdout.columns || 80);
  if (text !== '') stdout.write(`\n${text}`);
}

/** Stray stderr lines were only glimpsed in the TUI; once it is gone they go where they belong. */
function replayMessages(session: TuiSession): void {
  session.store.flush();
  const lines = allLines(session.store.getSnapshot().messages);
  if (lines.length === 0) return;
  process.stderr.write(`${lines.map((l) => l.text).join('\n')}\n`);
}
