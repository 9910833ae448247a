import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SandboxOptions } from './sandbox.js';
import { isAlive, readStateFile, removeStateFile, type SandboxStateFile } from './state-file.js';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts the sandbox as a detached process (its own session and process group, so it
 * outlives the drill step that started it), waits until it is ready and has written
 * `stateFile`, and returns that state.
 */
export async function startDetached(
  stateFile: string,
  options: SandboxOptions = {},
): Promise<SandboxStateFile> {
  const file = resolve(stateFile);
  const existing = await readStateFile(file).catch(() => undefined);
  if (existing && isAlive(existing.pid)) {
    throw new Error(
      `a sandbox is already running (pid ${existing.pid}, state ${stateFile}); stop it with: drillbook sandbox --stop --state ${stateFile}`,
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  const log = `${file}.log`;
  const logFd = openSync(log, 'w');
  // Run the daemon the way this module runs: compiled .js directly, .ts sources through tsx.
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const daemon = resolve(dirname(here), `daemon${ext}`);
  const loader =
    ext === '.ts' ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  const child = spawn(process.execPath, [...loader, daemon, file, JSON.stringify(options), log], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...process.env, NODE_OPTIONS: undefined },
  });
  closeSync(logFd);
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`sandbox not ready after ${READY_TIMEOUT_MS / 1000}s (log: ${log})`)),
        READY_TIMEOUT_MS,
      );
      child.on('message', (m: { type?: string; message?: string }) => {
        clearTimeout(timer);
        if (m.type === 'ready') done();
        else fail(new Error(`sandbox failed to start: ${m.message ?? 'unknown error'} (log: ${log})`));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`sandbox exited with status ${code} before it was ready (log: ${log})`));
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
  } catch (error) {
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
    throw error;
  }
  child.removeAllListeners();
  child.disconnect();
  child.unref();
  const state = await readStateFile(file);
  if (!state) throw new Error(`sandbox reported ready but ${stateFile} is missing`);
  return state;
}

/**
 * Stops a detached sandbox: asks it over its control API (no risk of signalling a reused
 * pid), then falls back to SIGTERM. Returns what happened, for the CLI to print.
 */
export async function stopDetached(stateFile: string): Promise<string> {
  const file = resolve(stateFile);
  const state = await readStateFile(file);
  if (!state) return `no sandbox state at ${stateFile}: nothing to stop`;
  if (!isAlive(state.pid)) {
    await removeStateFile(file);
    return `sandbox (pid ${state.pid}) was not running; removed ${stateFile}`;
  }
  const asked = await fetch(`${state.endpoints.control}/control/shutdown`, {
    method: 'POST',
    signal: AbortSignal.timeout(2000),
  }).then(
    (r) => r.ok,
    () => false,
  );
  if (!asked) process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(state.pid) && Date.now() < deadline) await sleep(25);
  if (isAlive(state.pid)) {
    process.kill(state.pid, 'SIGKILL');
    await removeStateFile(file);
    return `sandbox (pid ${state.pid}) did not stop in ${STOP_TIMEOUT_MS / 1000}s; killed it`;
  }
  await removeStateFile(file);
  return `sandbox (pid ${state.pid}) stopped`;
}
