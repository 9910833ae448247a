import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FanOutLimits, fanOut, fanOutLimits } from '../../src/ssh/fan-out.js';
import { HandshakePace } from '../../src/ssh/handshake-pace.js';
import { IdleConnections } from '../../src/ssh/idle-connections.js';

const tick = (n: number) =>
  Array.from({ length: n }).reduce<Promise<void>>(
    (p) => p.then(() => new Promise<void>((resolve) => setImmediate(resolve))),
    Promise.resolve(),
  );

interface Trace {
  maxRunning: number;
  /** Per started host: failures already ended when it started, and its wave. */
  starts: Array<{ host: string; failedBefore: number; wave: number; at: number }>;
  ends: Array<{ host: string; wave: number; at: number }>;
}

async function simulate(
  n: number,
  limits: FanOutLimits,
  failing: Set<number>,
  delays: number[],
): Promise<{ trace: Trace; outcomes: Awaited<ReturnType<typeof fanOut<null>>> }> {
  const hosts = Array.from({ length: n }, (_, i) => `h${i}`);
  const waveOf = new Map<string, number>();
  let at = 0;
  limits.waves.forEach((size, w) => {
    for (let i = 0; i < size; i++) waveOf.set(hosts[at++] as string, w);
  });
  const trace: Trace = { maxRunning: 0, starts: [], ends: [] };
  let running = 0;
  let failed = 0;
  let clock = 0;
  const outcomes = await fanOut(hosts, limits, async (host) => {
    const i = Number(host.slice(1));
    running++;
    trace.maxRunning = Math.max(trace.maxRunning, running);
    trace.starts.push({ host, failedBefore: failed, wave: waveOf.get(host) ?? -1, at: clock++ });
    await tick(delays[i % delays.length] ?? 0);
    running--;
    const ok = !failing.has(i);
    if (!ok) failed++;
    trace.ends.push({ host, wave: waveOf.get(host) ?? -1, at: clock++ });
    return { ok, result: null };
  });
  return { trace, outcomes };
}

const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((count) => ({ count })),
  fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })),
);

describe('fan-out scheduler', () => {
  it('never runs more than concurrency, never starts a host past the error budget, runs waves in order, reports every host', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        sizeArb,
        fc.oneof(
          fc.integer({ min: 0, max: 5 }).map((count) => ({ count })),
          fc.integer({ min: 0, max: 50 }).map((percent) => ({ percent })),
        ),
        fc.array(sizeArb, { maxLength: 4 }),
        fc.array(fc.nat(39), { maxLength: 12 }),
        // Every host takes at least one turn of the event loop, as network work does.
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        async (n, concurrency, maxErrors, batches, fails, delays) => {
          const limits = fanOutLimits({ concurrency, maxErrors, batches }, n);
          expect(limits.waves.reduce((a, b) => a + b, 0)).toBe(n);
          const { trace, outcomes } = await simulate(n, limits, new Set(fails), delays);
          expect(trace.maxRunning).toBeLessThanOrEqual(limits.concurrency);
          for (const s of trace.starts) expect(s.failedBefore).toBeLessThanOrEqual(limits.maxErrors);
          for (const s of trace.starts) {
            const earlier = trace.starts.filter((o) => o.wave < s.wave);
            for (const e of earlier) {
              const end = trace.ends.find((x) => x.host === e.host);
              expect(end && end.at < s.at).toBe(true);
            }
          }
          expect(outcomes.map((o) => o.host)).toEqual(Array.from({ length: n }, (_, i) => `h${i}`));
          const failedCount = outcomes.filter((o) => o.started && !o.ok).length;
          const skipped = outcomes.filter((o) => !o.started);
          if (failedCount <= limits.maxErrors) expect(skipped).toEqual([]);
          else expect(failedCount).toBeLessThanOrEqual(limits.maxErrors + limits.concurrency);
          for (const o of skipped) expect(o.started ? '' : o.reason).toMatch(/more than max_errors/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('sizes: percents of the step hosts (concurrency and waves round up, errors down); the last wave repeats', () => {
    const at = (batches: Array<{ count: number } | { percent: number }>, n: number) =>
      fanOutLimits({ concurrency: { percent: 25 }, maxErrors: { percent: 5 }, batches }, n);
    expect(at([{ count: 1 }, { percent: 25 }, { percent: 100 }], 100)).toEqual({
      concurrency: 25,
      maxErrors: 5,
      waves: [1, 25, 74],
    });
    expect(at([{ count: 2 }, { count: 3 }], 10).waves).toEqual([2, 3, 3, 2]);
    expect(at([], 7)).toEqual({ concurrency: 2, maxErrors: 0, waves: [7] });
    expect(at([{ percent: 1 }], 3).waves).toEqual([1, 1, 1]);
  });

  it('a failing wave stops the next one: its hosts are reported as not started, with the reason', async () => {
    const limits = fanOutLimits(
      { concurrency: { count: 10 }, maxErrors: { count: 0 }, batches: [{ count: 2 }] },
      6,
    );
    const { outcomes } = await simulate(6, limits, new Set([1]), [1]);
    expect(outcomes.map((o) => (o.started ? (o.ok ? 'ok' : 'failed') : 'skipped'))).toEqual([
      'ok',
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(outcomes[2]).toMatchObject({ reason: 'not started: 1 host failed, more than max_errors (0)' });
  });

  it('an aborted step starts no more hosts', async () => {
    const controller = new AbortController();
    const limits = fanOutLimits({ concurrency: { count: 1 }, maxErrors: { count: 9 }, batches: [] }, 4);
    const outcomes = await fanOut(
      ['a', 'b', 'c', 'd'],
      limits,
      async (host) => {
        if (host === 'b') controller.abort('timed out after 1s');
        return { ok: true, result: host };
      },
      controller.signal,
    );
    expect(outcomes.map((o) => o.started)).toEqual([true, true, false, false]);
    expect(outcomes[3]).toMatchObject({ reason: 'not started: the step stopped (timed out after 1s)' });
  });
});

describe('handshake pace', () => {
  it('holds at most the limit per address, in order, and other addresses do not wait', async () => {
    const pace = new HandshakePace(2);
    const signal = new AbortController().signal;
    const order: string[] = [];
    const a1 = await pace.acquire('a', signal);
    const a2 = await pace.acquire('a', signal);
    const b1 = await pace.acquire('b', signal);
    const a3 = pace.acquire('a', signal).then((free) => {
      order.push('a3');
      return free;
    });
    await tick(3);
    expect(order).toEqual([]);
    a1();
    a1(); // freeing twice frees once
    (await a3)();
    expect(order).toEqual(['a3']);
    a2();
    b1();
  });

  it('an abort ends the wait with the abort reason', async () => {
    const pace = new HandshakePace(1);
    const controller = new AbortController();
    await pace.acquire('a', controller.signal);
    const waiting = pace.acquire('a', controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});

describe('idle connections', () => {
  it('keep at most the limit idle, closing the least recently used; never one in use', () => {
    const closed: string[] = [];
    const idle = new IdleConnections(2);
    const conn = (h: string) => () => {
      closed.push(h);
    };
    for (const h of ['a', 'b', 'c']) idle.use(h);
    idle.use('a'); // a second step on a at the same time
    idle.done('a', conn('a'));
    idle.done('b', conn('b'));
    idle.done('c', conn('c'));
    expect(closed).toEqual([]);
    idle.use('b'); // b is busy again: not idle, not closable
    idle.use('d');
    idle.done('d', conn('d'));
    idle.done('a', conn('a'));
    expect(closed).toEqual(['c']);
    expect(idle.open).toBe(3);
  });
});
