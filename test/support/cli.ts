import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject, onTestFinished } from 'vitest';

/** The repository root (this file is test/support/cli.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The launcher users run (a byte-for-byte copy of bin/drillbook.js) beside the CLI that
 * test/support/global-setup.ts built for this test run.
 */
export const BIN: string = inject('drillbookBin');

/** Fails the test with tsc's message when global setup could not build the CLI. */
export function assertBuilt(): void {
  const buildError = inject('drillbookBuildError');
  if (buildError) throw new Error(`the CLI could not be built, so it cannot run:\n${buildError}`);
}

export interface CliResult {
  /** Exit code, or null when the process died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface CliOptions {
  /** Working directory (where `.drillbook/runs` goes). */
  cwd: string;
  /** Added to a small clean environment (PATH, HOME=cwd, LANG); `undefined` removes a key. */
  env?: Record<string, string | undefined>;
  /** 'closed' (default): stdin at EOF. 'open': a pipe kept open (nothing is ever written) until exit. */
  stdin?: 'closed' | 'open';
  /** SIGKILL the process and fail after this long, so a hang fails fast instead of at the test timeout. */
  timeoutMs?: number;
}

/** A running `node bin/drillbook.js ...` with its output captured as it arrives. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout = '';
  stderr = '';
  /** Resolves when the process exits (never rejects; a hang becomes code null, signal SIGKILL). */
  readonly done: Promise<CliResult>;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], options: CliOptions) {
    assertBuilt();
    const started = Date.now();
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.cwd, options.env),
      stdio: [options.stdin === 'open' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error('could not spawn node');
    this.pid = this.child.pid;
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      this.stdout += t;
      for (const l of this.listeners) l();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      this.stderr += t;
      for (const l of this.listeners) l();
    });
    const limit = options.timeoutMs ?? 30_000;
    const killer = setTimeout(() => this.child.kill('SIGKILL'), limit);
    this.done = new Promise((resolveDone) => {
      this.child.on('close', (code, signal) => {
        clearTimeout(killer);
        this.child.stdin?.destroy();
        for (const l of this.listeners) l();
        resolveDone({ code, signal, stdout: this.stdout, stderr: this.stderr, ms: Date.now() - started });
      });
    });
  }

  /** Sends a signal to drillbook itself (as a shell does for Ctrl-C or `kill`). */
  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Waits until stdout matches; fails with everything printed so far when it does not in time. */
  waitForStdout(pattern: RegExp | string, timeoutMs = 20_000): Promise<void> {
    const matches = () =>
      typeof pattern === 'string' ? this.stdout.includes(pattern) : pattern.test(this.stdout);
    return new Promise((resolveWait, reject) => {
      const check = () => {
        if (matches()) {
          finish();
          resolveWait();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`drillbook exited before printing ${pattern}:\n${this.transcript()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${pattern} on stdout within ${timeoutMs}ms:\n${this.transcript()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  transcript(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }
}

export function startCli(args: string[], options: CliOptions): CliProcess {
  const proc = new CliProcess(args, options);
  // A failed assertion must not leave a drill running behind the test.
  onTestFinished(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  });
  return proc;
}

/** Runs the CLI to completion (its own timeout kills a hang; usable in beforeAll too). */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return new CliProcess(args, options).done;
}

export function cleanEnv(
  home: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: process.env['TMPDIR'],
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

/** A temporary directory for one test, removed when the test finishes. */
export interface Workspace {
  dir: string;
  path(name: string): string;
  write(name: string, text: string | Buffer): string;
  read(name: string): string;
  exists(name: string): boolean;
  /** `.drillbook/runs/<time>-<name>` directories, oldest first. */
  runDirs(): string[];
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-e2e-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => resolve(dir, name);
  return {
    dir,
    path,
    write(name, text) {
      const file = path(name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    read: (name) => readFileSync(path(name), 'utf8'),
    exists: (name) => existsSync(path(name)),
    runDirs() {
      const runs = path('.drillbook/runs');
      if (!existsSync(runs)) return [];
      return readdirSync(runs)
        .sort()
        .map((d) => join(runs, d));
    },
  };
}

/**
 * A `sleep` duration unique to this test (e.g. `300.481923`), so `processesMatching("sleep 300.481923")`
 * finds exactly the processes this test started, grandchildren included.
 */
export function uniqueSleep(seconds: number): string {
  const value = `${seconds}.${randomInt(100_000, 999_999)}`;
  // Whatever the test asserted, leave no sleeper behind for the next test to trip over.
  onTestFinished(() => killMatching(`sleep ${value}`));
  return value;
}

/**
 * Command lines of live processes whose command line contains `pattern` (a fixed string),
 * read from /proc so the tests need no procps (`pgrep`) on a bare CI image.
 */
export function processesMatching(pattern: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue; // exited while we looked
    }
    // A zombie has an empty cmdline: it is dead, only waiting to be reaped.
    if (cmdline.includes(pattern)) found.push(`${pid} ${cmdline}`);
  }
  return found;
}

/** SIGKILLs, by pid, processes carrying this test's unique marker (cleanup after a failed test). */
export function killMatching(pattern: string): void {
  for (const line of processesMatching(pattern)) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Waits until `pattern` matches no process. The process group is killed before drillbook
 * exits, but the kernel may take a moment to reap; this allows that moment and no more.
 */
export async function expectNoProcesses(pattern: string, withinMs = 3000): Promise<void> {
  const deadline = Date.now() + withinMs;
  let left = processesMatching(pattern);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesMatching(pattern);
  }
  if (left.length > 0) throw new Error(`processes left behind:\n${left.join('\n')}`);
}

/** Polls `condition` until true; fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `[i/n]`-free check that a stack trace did not reach the user. */
export const STACK_FRAME = '    at ';
