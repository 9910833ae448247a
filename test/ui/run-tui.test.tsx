import { describe, expect, it, vi } from 'vitest';
import { runTui, type TuiOptions } from '../../src/ui/index.js';
import { FakeTty, keys, waitFor } from '../support/render.js';
import { fakeEngine } from './fake-engine.js';

// Ink only draws live frames (and follows resizes) outside CI, deciding when it loads; these
// tests stand for a person at a terminal, so CI's variables are hidden from this file.
vi.hoisted(() => {
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
});

function options(
  tty: FakeTty,
  start: TuiOptions['start'],
  paths = ['.drillbook/runs/7/junit.xml'],
): TuiOptions {
  return {
    title: 'Fake drill',
    start,
    finish: async () => paths,
    stdin: tty.stdin as unknown as NodeJS.ReadStream,
    stdout: tty.stdout as unknown as NodeJS.WriteStream,
  };
}

describe('runTui', () => {
  it('resolves with the exit code, shows the report paths and hands the terminal back', async () => {
    const tty = new FakeTty();
    const run = fakeEngine([{ id: 'deploy', output: ['deployed'] }]);
    const stderrWrite = process.stderr.write;
    const consoleError = console.error;
    const code = await runTui(
      options(tty, async (gate, onEvent, signal) => {
        // Stray writes while the TUI is up must not reach the terminal.
        process.stderr.write('(node) warning: something deprecated\n');
        console.error('a forgotten console.error');
        return run.start(gate, onEvent, signal);
      }),
    );
    expect(code).toBe(0);
    const output = tty.output();
    expect(output).toContain('Drill passed');
    expect(output).toContain('.drillbook/runs/7/junit.xml');
    expect(output).toContain('! a forgotten console.error');
    expect(tty.stdin.rawModeHistory).toContain(true);
    expect(tty.stdin.isRaw).toBe(false);
    expect(tty.raw().lastIndexOf('\u001b[?25h')).toBeGreaterThan(tty.raw().lastIndexOf('\u001b[?25l'));
    expect(process.stderr.write).toBe(stderrWrite);
    expect(console.error).toBe(consoleError);
  });

  it('Ctrl-C aborts with SIGINT: finally runs and the exit code is 130', async () => {
    const tty = new FakeTty();
    const run = fakeEngine([{ id: 'soak', untilAborted: true }], [{ id: 'restore' }]);
    const sigintListeners = process.listenerCount('SIGINT');
    const done = runTui(options(tty, run.start));
    await waitFor(() => run.stepsRun.includes('soak'));
    tty.stdin.write(keys.ctrlC);
    expect(await done).toBe(130);
    expect(run.abortReason()).toBe('SIGINT');
    expect(run.stepsRun).toEqual(['soak', 'restore']);
    expect(tty.stdin.isRaw).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('SIGTERM to the process aborts the drill (143) instead of killing it', async () => {
    const tty = new FakeTty();
    const run = fakeEngine([{ id: 'soak', untilAborted: true }], [{ id: 'restore' }]);
    const done = runTui(options(tty, run.start));
    await waitFor(() => run.stepsRun.includes('soak'));
    process.kill(process.pid, 'SIGTERM');
    expect(await done).toBe(143);
    expect(run.abortReason()).toBe('SIGTERM');
    expect(run.stepsRun).toEqual(['soak', 'restore']);
  });

  it('an engine crash rejects after the terminal, stderr and signals are restored', async () => {
    const tty = new FakeTty();
    const stderrWrite = process.stderr.write;
    const sigterm = process.listenerCount('SIGTERM');
    await expect(
      runTui(
        options(tty, async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('engine exploded');
        }),
      ),
    ).rejects.toThrow('engine exploded');
    expect(tty.stdin.isRaw).toBe(false);
    expect(process.stderr.write).toBe(stderrWrite);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
  });

  it('re-renders to the new width on resize', async () => {
    const tty = new FakeTty();
    const run = fakeEngine([{ id: 'gate', confirm: { message: 'Go ahead with the long drill step?' } }]);
    const done = runTui(options(tty, run.start));
    await waitFor(() => tty.output().includes('a/Enter approve'));
    const from = tty.stdout.chunks.length;
    tty.stdout.resize(50, 20);
    await waitFor(() => tty.stdout.chunks.length > from);
    const redrawn = (await waitFor(() => {
      const text = tty.stdout.chunks.slice(from).join('');
      return text.includes('Go ahead') ? text : undefined;
    })) as string;
    const widths = redrawn
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      .split('\n')
      .map((l) => [...l].length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(50);
    tty.stdin.write('a');
    expect(await done).toBe(0);
  });
});
