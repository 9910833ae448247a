import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConsoleReporter } from '../../src/report/console.js';
import { formatElapsed, timestamped } from '../../src/report/timestamped.js';
import { EventScript } from '../support/events.js';

function run(): EventScript {
  const s = new EventScript().runStart([{ id: 'deploy', name: 'Deploy' }], { name: 'ts', title: 'Stamps' });
  s.stepStart('deploy')
    .output('deploy', 'to stdout\npartial ')
    .output('deploy', 'warning: to stderr\n', { stream: 'stderr' })
    .output('deploy', 'line\n')
    .tick(100)
    .stepEnd('deploy');
  return s.runEnd('passed', 0);
}

describe('headless --timestamps and stderr marks', () => {
  it('every console line starts with an ISO time; stderr lines are marked and never join a stdout line', () => {
    const writes: string[] = [];
    const listen = createConsoleReporter({
      out: { write: (t) => writes.push(t) },
      color: false,
      timestamps: 'iso',
    });
    for (const e of run().events) listen(e);
    const lines = writes.join('').split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    const body = lines.map((l) => l.replace(/^\S+ /, ''));
    expect(body).toContain('  ! warning: to stderr');
    expect(body).toContain('  │ partial line');
    expect(body).toContain('  │ to stdout');
  });

  it('without --timestamps nothing is added; the step-id prefix marks stderr too', () => {
    const writes: string[] = [];
    const listen = createConsoleReporter({
      out: { write: (t) => writes.push(t) },
      color: false,
      prefix: 'step-id',
    });
    for (const e of run().events) listen(e);
    const text = writes.join('');
    expect(text).toContain('\n[deploy] ! warning: to stderr\n');
    expect(text).toContain('\n[deploy] to stdout\n');
    expect(text).toMatch(/^drillbook: /);
  });

  it('elapsed stamps count from the start; a line written in pieces gets one stamp', () => {
    let t = 1_000;
    const out: string[] = [];
    const w = timestamped({ write: (s) => out.push(s) }, 'elapsed', () => t);
    t += 61_005;
    w.write('one ');
    t += 1000;
    w.write('piece\ntwo\n');
    w.write('');
    expect(out.join('')).toBe('+00:01:01.005 one piece\n+00:01:02.005 two\n');
  });

  it('formatElapsed is monotonic and always +HH:MM:SS.mmm', () => {
    fc.assert(
      fc.property(fc.nat(400 * 3_600_000), fc.nat(3_600_000), (a, d) => {
        const x = formatElapsed(a);
        expect(x).toMatch(/^\+\d{2,}:[0-5]\d:[0-5]\d\.\d{3}$/);
        const y = formatElapsed(a + d);
        const n = (s: string) => s.slice(1).split(/[:.]/).map(Number);
        const [h1, m1, s1, ms1] = n(x);
        const [h2, m2, s2, ms2] = n(y);
        expect(((h2! * 60 + m2!) * 60 + s2!) * 1000 + ms2!).toBe(
          ((h1! * 60 + m1!) * 60 + s1!) * 1000 + ms1! + d,
        );
      }),
    );
  });
});

describe('one step count', () => {
  it('numbers main steps 1..N (members n.m), finally, steady state and undo apart', async () => {
    const { numberSteps, describeCount } = await import('../../src/report/step-numbers.js');
    const n = numberSteps([
      { id: 'ok', phase: 'steady-state-before' },
      { id: 'a', phase: 'main' },
      { id: 'g', phase: 'main' },
      { id: 'g1', phase: 'main', group: 'g' },
      { id: 'g2', phase: 'main', group: 'g' },
      { id: 'b', phase: 'main' },
      { id: 'clean', phase: 'finally' },
      { id: 'ok', phase: 'steady-state-after' },
    ]);
    expect([...n.tags.values()]).toEqual([
      'before 1/1',
      '1/3',
      '2/3',
      '2.1/3',
      '2.2/3',
      '3/3',
      'finally 1/1',
      'after 1/1',
    ]);
    expect(describeCount(n)).toBe('3 steps + 1 finally + 1 steady-state check');
    expect(describeCount({ main: 1, finally: 0, steadyState: 0 })).toBe('1 step');
  });
});
