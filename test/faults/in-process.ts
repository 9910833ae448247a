import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { CommandIo } from '../../src/commands/io.js';
import { type RunArgs, runCommand } from '../../src/commands/run.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Captures what a command prints, as a user would see it. */
export function capturingIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CommandIo = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    stdin: {},
    env: { PATH: process.env['PATH'], LANG: 'C.UTF-8', ...env },
    cwd,
  };
  return { io, out };
}

/** `drillbook run` in this process (the real command, engine, journal and reports), headless. */
export async function runInProcess(
  runbook: string,
  cwd: string,
  args: Partial<RunArgs> = {},
): Promise<InProcessResult> {
  const { io, out } = capturingIo(cwd);
  const code = await runCommand(
    {
      runbook,
      headless: true,
      yes: true,
      dryRun: false,
      failOnSkip: false,
      rollback: 'on-failure',
      acceptNewHostKeys: false,
      ...args,
    },
    io,
  );
  return { code, ...out };
}

/** A temporary directory on the ordinary (healthy) filesystem, removed after the test. */
export function healthyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-faults-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeRunbook(dir: string, text: string): string {
  const file = join(dir, 'drill.yaml');
  writeFileSync(file, text);
  return file;
}

/** A Node stack trace line: what a user must never see. */
export const STACK_LINE = /^\s+at .+[:(]/m;
