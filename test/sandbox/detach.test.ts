import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcessGroup } from '../../src/plugin/process.js';
import { isAlive, type SandboxStateFile } from '../../src/sandbox/state-file.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = ['--import', 'tsx', fileURLToPath(new URL('../support/aws-sandbox-cli.ts', import.meta.url))];
const dir = mkdtempSync(join(tmpdir(), 'drillbook-sandbox-'));
const stateFile = join(dir, 'sandbox.json');
const sandboxCli = (...args: string[]) =>
  spawnSync(process.execPath, [...cli, 'sandbox', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

afterAll(() => {
  // Never leave a background sandbox behind, whatever failed.
  if (existsSync(stateFile)) sandboxCli('--stop', '--state', stateFile);
});

describe('drillbook sandbox --detach / --stop', () => {
  it('starts from a drill step, outlives that step being killed, and stops from another', async () => {
    const controller = new AbortController();
    let out = '';
    const started = Date.now();
    // Like a drill step: detach, then the step keeps running until its timeout kills its group.
    const step = runInProcessGroup({
      command: `"${process.execPath}" ${cli.map((a) => `"${a}"`).join(' ')} sandbox --detach --state "${stateFile}" && sleep 30`,
      cwd: root,
      env: process.env as Record<string, string>,
      signal: controller.signal,
      // A drill step that starts the sandbox says leave_running: true (else it is killed at step end).
      leaveRunning: true,
      onStdout: (t) => {
        out += t;
      },
      onStderr: (t) => {
        out += t;
      },
    });
    while (!out.includes('Stop it with') && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 25));
    const readyMs = Date.now() - started;
    controller.abort('step timed out');
    await step;

    expect(out).toContain(`sandbox running in the background`);
    expect(out).toMatch(/aws: \{ endpoint: http:\/\/127\.0\.0\.1:\d+, region: us-west-2 \}/);
    expect(readyMs).toBeLessThan(20_000);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SandboxStateFile;
    expect(isAlive(state.pid)).toBe(true);
    const front = await fetch(`${state.endpoints.front}/`);
    expect(await front.json()).toMatchObject({ colour: 'blue' });

    const again = sandboxCli('--detach', '--state', stateFile);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`a sandbox is already running (pid ${state.pid}`);

    const stop = sandboxCli('--stop', '--state', stateFile);
    expect(stop.status).toBe(0);
    expect(stop.stdout).toBe(`sandbox (pid ${state.pid}) stopped\n`);
    expect(isAlive(state.pid)).toBe(false);
    expect(existsSync(stateFile)).toBe(false);
    await expect(fetch(`${state.endpoints.front}/`)).rejects.toThrow();

    // A finally step can always run --stop: with nothing running it is not an error.
    const twice = sandboxCli('--stop', '--state', stateFile);
    expect(twice.status).toBe(0);
    expect(twice.stdout).toContain('nothing to stop');
  });

  it('refuses --stop together with --detach', () => {
    const both = sandboxCli('--stop', '--detach');
    expect(both.status).not.toBe(0);
    expect(both.stderr).toContain('mutually exclusive');
  });
});

describe('drillbook sandbox (foreground)', () => {
  it('prints endpoints and env hints, runs until Ctrl-C, then closes cleanly', async () => {
    const child = spawn(process.execPath, [...cli, 'sandbox'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!out.includes('Ctrl-C to stop') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(out).toMatch(/export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+ AWS_REGION=us-west-2/);
    const control = /control +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect((await fetch(`${control}/state`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('sandbox stopped');
  });
});
