import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { cleanEnv } from './cli.js';

/**
 * Why tmux tests cannot run here, or undefined when they can. CI installs tmux (.ci/run), so
 * there a missing tmux fails the tests instead of skipping them; elsewhere they skip loudly.
 */
export function tmuxMissing(): string | undefined {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (!probe.error && probe.status === 0) return undefined;
  const reason = 'tmux is not installed: run `apt-get install -y tmux` (CI installs it via .ci/run)';
  if (process.env['DRILLBOOK_REQUIRE_SSHD'] === '1' || process.env['CI']) throw new Error(reason);
  console.warn(`SKIPPING the tmux end-to-end tests: ${reason}`);
  return reason;
}

export interface PaneOptions {
  /** Working directory of the command. */
  cwd: string;
  /** A shell command line (sh syntax) run once in the pane, e.g. `node bin/drillbook.js run x.yaml`. */
  command: string;
  width?: number;
  height?: number;
  /** Added to the clean environment (cleanEnv in cli.ts); CI is always removed inside the pane. */
  env?: Record<string, string>;
}

export interface PaneExit {
  code: number;
  /** `stty -a` of the pane's terminal, read right after the command exited. */
  stty: string;
  /** Whether the terminal shows its cursor after the command (a TUI hides it while drawing). */
  cursorVisible: boolean;
}

let servers = 0;

/**
 * A real terminal: a detached tmux server on a private socket with one pane running
 * `command`, then printing `EXIT=<code>` and saving `stty -a`. Tests read the screen with
 * capture-pane, type with send-keys, and never sleep a fixed time: they wait for the screen.
 * The server is killed when the test finishes.
 */
export class TmuxPane {
  readonly socket = `drillbook-test-${process.pid}-${++servers}`;
  readonly target = 'drill:0.0';
  /** Where the pane script writes the exit code and stty output (outside the test's cwd). */
  private readonly dir = mkdtempSync(join(tmpdir(), 'drillbook-tmux-'));
  /** kill-server leaves the socket file behind; removed in kill(). */
  private socketPath = '';

  constructor(private readonly options: PaneOptions) {
    const script = join(this.dir, 'pane.sh');
    const exitFile = join(this.dir, 'exit');
    writeFileSync(
      script,
      [
        `cd ${quote(options.cwd)} || exit 1`,
        options.command,
        'code=$?',
        `stty -a > ${quote(join(this.dir, 'stty.txt'))} 2>&1`,
        'echo "EXIT=$code"',
        // Written last and renamed into place, so whoever sees it sees a complete file.
        `echo "$code" > ${quote(`${exitFile}.tmp`)} && mv ${quote(`${exitFile}.tmp`)} ${quote(exitFile)}`,
        // The pane stays open so the last screen can still be captured.
        'exec sleep 600',
        '',
      ].join('\n'),
    );
    onTestFinished(() => this.kill());
    this.tmuxSync([
      'new-session',
      '-d',
      '-s',
      'drill',
      '-x',
      String(options.width ?? 100),
      '-y',
      String(options.height ?? 30),
      '-c',
      options.cwd,
      // CI in the pane would make drillbook headless; the server's env is clean already,
      // and `env -u` keeps it so whatever tmux passes on.
      `env -u CI sh ${quote(script)}`,
    ]);
    this.socketPath = spawnSync('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}'], {
      env: this.env(),
      encoding: 'utf8',
    }).stdout.trim();
  }

  /**
   * The visible screen; `join` undoes the terminal's wrapping so each line is as it was
   * written; `history` adds the scrollback above it; `escapes` keeps colours and attributes.
   */
  async capture(options: { join?: boolean; history?: boolean; escapes?: boolean } = {}): Promise<string> {
    return this.tmux([
      'capture-pane',
      '-p',
      ...(options.join ? ['-J'] : []),
      // With the escape sequences for colour and attributes as the terminal holds them.
      ...(options.escapes ? ['-e'] : []),
      ...(options.history ? ['-S', '-'] : []),
      '-t',
      this.target,
    ]);
  }

  /**
   * Polls the screen until `expected` (text, pattern or predicate) holds and returns that
   * screen; fails with the last screen seen. Generous timeouts: the machine may be loaded.
   */
  async waitForScreen(
    expected: string | RegExp | ((screen: string) => boolean),
    timeoutMs = 30_000,
    options: { join?: boolean } = {},
  ): Promise<string> {
    const matches =
      typeof expected === 'function'
        ? expected
        : typeof expected === 'string'
          ? (s: string) => s.includes(expected)
          : (s: string) => expected.test(s);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.capture(options);
      if (matches(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(
          `screen never showed ${show(expected)} within ${timeoutMs}ms; last screen:\n${screen}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Key names as tmux knows them (`a`, `Enter`, `C-c`, `Escape`). */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, ...keys]);
  }

  /** Types text as-is (no key-name lookup). */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, '-l', text]);
  }

  async resize(width: number, height: number): Promise<void> {
    await this.tmux(['resize-window', '-t', 'drill', '-x', String(width), '-y', String(height)]);
  }

  /** Waits for the command to exit; returns its exit code and the terminal's settings after it. */
  async waitForExit(timeoutMs = 60_000): Promise<PaneExit> {
    const exitFile = join(this.dir, 'exit');
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(exitFile)) {
      if (Date.now() > deadline) {
        throw new Error(
          `the command did not exit within ${timeoutMs}ms; last screen:\n${await this.capture()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const cursor = await this.tmux(['display-message', '-p', '-t', this.target, '#{cursor_flag}']);
    return {
      code: Number(readFileSync(exitFile, 'utf8').trim()),
      stty: readFileSync(join(this.dir, 'stty.txt'), 'utf8'),
      cursorVisible: cursor.trim() === '1',
    };
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { env: this.env(), stdio: 'ignore' });
    if (this.socketPath.endsWith(this.socket)) rmSync(this.socketPath, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    // A clean environment (no CI, no TMUX of an enclosing session); tmux needs a UTF-8
    // locale to keep ✔ and box drawing as they are in capture-pane.
    return cleanEnv(this.options.cwd, { TERM: 'xterm-256color', ...this.options.env }) as NodeJS.ProcessEnv;
  }

  private tmuxSync(args: string[]): void {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      env: this.env(),
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.error?.message ?? r.stderr}`);
  }

  private tmux(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'tmux',
        ['-L', this.socket, ...args],
        { env: this.env(), encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`tmux ${args[0]} failed: ${stderr || error.message}`));
          else resolve(stdout);
        },
      );
    });
  }
}

/**
 * What a person needs back after a TUI: typed characters echoed, line editing (icanon), and
 * a visible cursor. Each is false when the terminal was left raw or the cursor hidden.
 */
export function terminalRestored(exit: PaneExit): { echo: boolean; icanon: boolean; cursor: boolean } {
  const flags = exit.stty.split(/[\s;]+/);
  return { echo: flags.includes('echo'), icanon: flags.includes('icanon'), cursor: exit.cursorVisible };
}

/** Screen lines (trailing blanks dropped) longer than `columns` characters. */
export function linesWiderThan(screen: string, columns: number): string[] {
  return screen.split('\n').filter((line) => [...line.trimEnd()].length > columns);
}

function quote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function show(expected: string | RegExp | ((screen: string) => boolean)): string {
  return typeof expected === 'function' ? 'the expected content' : JSON.stringify(String(expected));
}
