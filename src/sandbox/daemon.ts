/**
 * Entry point of a detached sandbox (`drillbook sandbox --detach` spawns this file).
 * argv: <state file> <options JSON>. Reports readiness over IPC, then lives until
 * POST /control/shutdown, SIGTERM or SIGINT, and removes its state file on the way out.
 */
import { type Sandbox, type SandboxOptions, sandboxInfo, startSandbox } from './sandbox.js';
import { removeStateFile, writeStateFile } from './state-file.js';

const [stateFile, optionsJson = '{}', log = ''] = process.argv.slice(2);
let sandbox: Sandbox | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await sandbox?.close();
    if (stateFile) await removeStateFile(stateFile);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  if (!stateFile) throw new Error('usage: daemon <state-file> [options-json]');
  const options = JSON.parse(optionsJson) as SandboxOptions;
  sandbox = await startSandbox({ ...options, onShutdown: () => void stop(0) });
  const info = sandboxInfo(sandbox);
  await writeStateFile(stateFile, { ...info, pid: process.pid, startedAt: new Date().toISOString(), log });
  process.send?.({ type: 'ready' });
  // The parent disconnects once it has seen us ready; we carry on alone.
  process.on('disconnect', () => {});
  console.log(`${new Date().toISOString()} sandbox ready: ${JSON.stringify(info.endpoints)}`);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('SIGHUP', () => {});
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`sandbox failed to start: ${message}`);
  process.send?.({ type: 'error', message });
  void stop(1);
});
