import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import {
  type ConsoleReporterOptions,
  createConsoleReporter,
  shouldUseColor,
} from '../../src/report/console.js';
import { EventScript } from '../support/events.js';

function consoleOf(events: EngineEvent[], options: Partial<ConsoleReporterOptions> = {}) {
  const writes: string[] = [];
  const listen = createConsoleReporter({ out: { write: (t) => writes.push(t) }, color: false, ...options });
  for (const e of events) listen(e);
  return { text: writes.join(''), writes };
}

function smallRun(): EventScript {
  const s = new EventScript().runStart(
    [
      { id: 'check', name: 'Check health' },
      { id: 'deploy', name: 'Deploy to blue' },
      { id: 'blackhole', name: 'Blackhole blue' },
      { id: 'restore', name: 'Finally: restore', phase: 'finally' },
    ],
    { name: 'bookstore-stage4', title: 'Bookstore Reliability Stage 4' },
  );
  s.stepStart('check').output('check', 'HTTP 200\nall ').output('check', 'good\n').tick(850).stepEnd('check');
  s.gate('deploy', 'approved', 'yes-flag', 'approved by --yes');
  s.stepStart('deploy').output('deploy', 'restarting', { label: 'blue' }).tick(1000);
  s.retry('deploy', 'exit 255: connection reset', 5000).tick(5000).stepStart('deploy');
  s.output('deploy', 'restarted\n', { label: 'blue' }).tick(6345);
  s.stepEnd('deploy', 'failed', { reason: 'exit 1\nsudo: a password is required' });
  s.stepStart('blackhole').output('blackhole', 'no newline at end').tick(100);
  s.stepEnd('blackhole', 'skipped', { reason: 'refused by policy' });
  s.stepStart('restore').tick(1200).stepEnd('restore');
  return s.runEnd('failed', 1, 'step deploy failed');
}

describe('console reporter', () => {
  it('prints exact lines for a small run, then the summary table', () => {
    const { text } = consoleOf(smallRun().events);
    expect(text).toBe(
      [
        'drillbook: Bookstore Reliability Stage 4 (bookstore-stage4): 3 steps + 1 finally, run run-1',
        '[1/3] start   Check health',
        '  │ HTTP 200',
        '  │ all good',
        '[1/3] passed  Check health (850ms)',
        '[2/3] gate    Deploy to blue: approved by --yes',
        '[2/3] start   Deploy to blue',
        '[2/3] retry   Deploy to blue: attempt 2 in 5.0s: exit 255: connection reset',
        '[2/3] start   Deploy to blue (attempt 2)',
        '  │ [blue] restartingrestarted',
        '[2/3] failed  Deploy to blue (12.3s, 2 attempts): exit 1',
        '        sudo: a password is required',
        '[3/3] start   Blackhole blue',
        '  │ no newline at end',
        '[3/3] skipped Blackhole blue: refused by policy',
        '[finally 1/1] start   Finally: restore',
        '[finally 1/1] passed  Finally: restore (1.2s)',
        '',
        'Summary: Bookstore Reliability Stage 4 (bookstore-stage4), run run-1',
        '  #            step              status   duration  attempts',
        '  1/3          Check health      passed   850ms     1',
        '  2/3          Deploy to blue    failed   12.3s     2',
        '  3/3          Blackhole blue    skipped  100ms     1',
        '  finally 1/1  Finally: restore  passed   1.2s      1',
        'Drill failed (exit 1) in 14.5s: step deploy failed',
        '',
      ].join('\n'),
    );
  });

  it('says "not run" for steps the engine skipped without starting them', () => {
    const s = new EventScript().runStart(['a', 'b']);
    s.step('a', { status: 'failed', reason: 'exit 1', ms: 10 });
    s.stepEnd('b', 'skipped', { reason: 'not run: an earlier step failed', attempts: 0, durationMs: 0 });
    s.runEnd('failed', 1, 'a: exit 1');
    const { text } = consoleOf(s.events);
    expect(text).toContain('[2/2] not run b: an earlier step failed\n');
    expect(text).toContain('  2/2  b     not run  -         -\n');
  });

  it('lists steps that never ran as "not run" and flushes partial output at run-end', () => {
    const s = new EventScript().runStart(['a', 'b', 'c']);
    s.step('a', { ms: 10 }).stepStart('b').output('b', 'half a li').tick(20);
    s.runEnd('aborted', 130, 'aborted by SIGINT');
    const { text } = consoleOf(s.events);
    expect(text).toContain('  │ half a li\n\nSummary');
    expect(text).toContain('  2/3  b     interrupted  20ms      1\n');
    expect(text).toContain('  3/3  c     not run      -         -\n');
    expect(text.endsWith('Drill aborted (exit 130) in 30ms: aborted by SIGINT\n')).toBe(true);
  });

  it('writes no ANSI at all when colour is off, even if the step printed colours', () => {
    const s = new EventScript().runStart(['a']);
    s.stepStart('a')
      .output('a', '\x1b[31mred\x1b[0m text\n\x1b[1mbold')
      .tick(5)
      .stepEnd('a', 'failed', { reason: 'x' });
    s.runEnd('failed');
    const { text } = consoleOf(s.events);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('  │ red text\n  │ bold\n');
  });

  it('colours statuses when asked', () => {
    const { text } = consoleOf(smallRun().events, { color: true });
    expect(text).toContain('\x1b[32mpassed \x1b[39m');
    expect(text).toContain('\x1b[31mfailed \x1b[39m');
    expect(text).toContain('\x1b[31mDrill failed (exit 1) in 14.5s: step deploy failed\x1b[39m');
  });

  it('keeps parallel steps and hosts on separate lines and can prefix with the step id', () => {
    const s = new EventScript().runStart(['a', 'b']);
    s.stepStart('a').stepStart('b');
    s.output('a', 'a1 ')
      .output('b', 'b1 ', { label: 'green' })
      .output('a', 'done\n')
      .output('b', 'done\n', { label: 'green' });
    const { text } = consoleOf(s.events, { prefix: 'step-id' });
    expect(text).toContain('[a] a1 done\n[b green] b1 done\n');
  });

  it('never buffers more than 64 KiB of a line that has no newline', () => {
    const s = new EventScript().runStart(['a']).stepStart('a');
    const piece = 'x'.repeat(1024);
    for (let i = 0; i < 1000; i++) s.output('a', piece);
    const { writes } = consoleOf(s.events);
    const outputWrites = writes.filter((w) => w.startsWith('  │ '));
    expect(outputWrites.length).toBe(Math.floor(1000 / 64));
    for (const w of outputWrites) expect(w.length).toBe(4 + 64 * 1024 + 1);
  });

  it('shows parts, stop conditions and gate questions (verbose)', () => {
    const s = new EventScript().runStart(['deploy']);
    s.gate('deploy', 'approved', 'person', 'approved by alice', { message: 'Deploy both?' });
    s.stepStart('deploy').tick(2000);
    s.stepEnd('deploy', 'failed', {
      reason: 'green failed',
      parts: [
        { label: 'blue', status: 'passed', durationMs: 1500 },
        { label: 'green', status: 'failed', durationMs: 2000, reason: 'exit 3' },
      ],
    });
    s.stopTripped('api-up', 'GET /health: 503').runEnd('aborted', 1, 'stop condition api-up tripped');
    const { text } = consoleOf(s.events, { verbose: true });
    expect(text).toContain('[1/1] gate    deploy: Deploy both?\n[1/1] gate    deploy: approved by alice\n');
    expect(text).toContain('[1/1] start   deploy — sh: deploy\n');
    expect(text).toContain('        blue: passed (1.5s)\n        green: failed (2.0s): exit 3\n');
    expect(text).toContain('[stop] stop condition api-up tripped: GET /health: 503\n');
  });
});

describe('shouldUseColor', () => {
  it('uses colour only on a terminal without NO_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
});
