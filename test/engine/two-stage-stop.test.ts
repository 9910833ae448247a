import { describe, expect, it } from 'vitest';
import { onStopSignals, type StopSignal, TwoStageStop } from '../../src/engine/two-stage-stop.js';

function recordingStop() {
  const said: string[] = [];
  const stop = new TwoStageStop({
    stopping: (reason) => said.push(`stopping ${reason}`),
    forcing: (reason) => said.push(`forcing ${reason}`),
  });
  return { stop, said };
}

describe('two-stage stop (TUI and headless)', () => {
  it('first request stops gracefully, the second signal forces, later ones do nothing', () => {
    const { stop, said } = recordingStop();
    stop.request('SIGTERM');
    expect([stop.signal.aborted, stop.forceSignal.aborted]).toEqual([true, false]);
    expect(stop.signal.reason).toBe('SIGTERM');
    stop.request('SIGINT');
    expect(stop.forceSignal.aborted).toBe(true);
    expect(stop.forceSignal.reason).toBe('SIGINT');
    stop.request('SIGINT');
    expect(said).toEqual(['stopping SIGTERM', 'forcing SIGINT']);
  });

  it("the operator's abort never forces: only a signal stops rollback and finally", () => {
    const { stop, said } = recordingStop();
    stop.request('user');
    stop.request('user');
    expect([stop.signal.aborted, stop.forceSignal.aborted]).toEqual([true, false]);
    stop.request('SIGHUP');
    expect(stop.forceSignal.aborted).toBe(true);
    expect(said).toEqual(['stopping user', 'forcing SIGHUP']);
  });

  it('routes real SIGINT, SIGTERM and SIGHUP to the handler while installed, and lets go after', async () => {
    const got: StopSignal[] = [];
    const arrived = (n: number) =>
      new Promise<void>((resolve) => {
        const poll = () => (got.length >= n ? resolve() : setTimeout(poll, 5));
        poll();
      });
    const before = process.listenerCount('SIGHUP');
    const restore = onStopSignals((signal) => got.push(signal));
    try {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.kill(process.pid, signal);
      await arrived(3);
    } finally {
      restore();
    }
    expect([...got].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGTERM']);
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
