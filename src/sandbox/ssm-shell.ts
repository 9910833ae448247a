import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** What SSM keeps of each stream (GetCommandInvocation): the first 24,000 / 8,000 characters. */
export const STDOUT_KEEP = 24_000;
export const STDERR_KEEP = 8_000;
const KILL_GRACE_MS = 2000;

/** The first `limit` characters of a stream; the rest is counted, not kept (bounded memory). */
export class KeptText {
  text = '';
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.text.length >= this.limit) return;
    this.text = (this.text + this.decoder.write(chunk)).slice(0, this.limit);
  }
}

export interface ShellRun {
  stdout: KeptText;
  stderr: KeptText;
  /** Resolves with the exit code (-1 when killed by a signal). */
  done: Promise<number>;
  /** SIGTERM to the whole process group, SIGKILL after a grace period. */
  kill(): void;
}

/**
 * Runs one invocation the way the SSM agent runs AWS-RunShellScript: the command lines
 * written to `_script.sh` in a directory of the invocation, run by /bin/sh in the
 * instance's working directory, in a process group of its own so a cancel reaches
 * everything the script started. stdin is /dev/null.
 */
export function runScript(options: {
  scriptDir: string;
  cwd: string;
  lines: string[];
  env: Record<string, string>;
}): ShellRun {
  mkdirSync(options.scriptDir, { recursive: true });
  mkdirSync(options.cwd, { recursive: true });
  const script = join(options.scriptDir, '_script.sh');
  writeFileSync(script, `${options.lines.join('\n')}\n`, { mode: 0o700 });
  const child = spawn('/bin/sh', [script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new KeptText(STDOUT_KEEP);
  const stderr = new KeptText(STDERR_KEEP);
  child.stdout.on('data', (c: Buffer) => stdout.add(c));
  child.stderr.on('data', (c: Buffer) => stderr.add(c));
  let exited = false;
  const done = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      stderr.add(Buffer.from(`sandbox: cannot start /bin/sh: ${error.message}\n`));
      exited = true;
      resolve(-1);
    });
    // A daemon the script started may hold its stdout open: 'close' would never come, so
    // the exit counts, after a moment for the last output to arrive.
    child.on('exit', (code) => {
      exited = true;
      setTimeout(() => resolve(code ?? -1), 500).unref();
    });
    child.on('close', (code) => {
      exited = true;
      resolve(code ?? -1);
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const kill = () => {
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS).unref();
  };
  return { stdout, stderr, done, kill };
}
