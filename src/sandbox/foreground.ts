import { describeSandbox } from './format.js';
import { type SandboxOptions, sandboxInfo, startSandbox } from './sandbox.js';
import { removeStateFile, writeStateFile } from './state-file.js';

/** Runs the sandbox in this process until Ctrl-C (SIGINT) or SIGTERM, then closes it cleanly. */
export async function runForeground(options: SandboxOptions, stateFile?: string): Promise<void> {
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const sandbox = await startSandbox({ ...options, onShutdown: () => wake() });
  const info = sandboxInfo(sandbox);
  if (stateFile) {
    await writeStateFile(stateFile, {
      ...info,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      log: '',
    });
  }
  process.stdout.write(`drillbook sandbox ready\n${describeSandbox(info)}\nCtrl-C to stop.\n`);
  process.once('SIGINT', wake);
  process.once('SIGTERM', wake);
  await stopped;
  process.off('SIGINT', wake);
  process.off('SIGTERM', wake);
  await sandbox.close();
  if (stateFile) await removeStateFile(stateFile);
  process.stdout.write('sandbox stopped\n');
}
