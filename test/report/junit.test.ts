import { parse, type TestCase, type TestSuite } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { renderJunit } from '../../src/report/junit.js';
import { RunReportBuilder } from '../../src/report/run-report.js';
import { EventScript } from '../support/events.js';
import { assertValidJunit } from '../support/xmllint.js';

function junitOf(events: EngineEvent[], options?: Parameters<typeof renderJunit>[1]): string {
  const builder = new RunReportBuilder();
  for (const e of events) builder.add(e);
  const xml = renderJunit(builder.build(), options);
  assertValidJunit(xml);
  return xml;
}

/** Parses with junit2json (xml2js underneath: a lenient parser like Jenkins' dom4j). */
async function suiteOf(
  xml: string,
): Promise<{ root: Record<string, unknown>; suite: TestSuite; cases: TestCase[] }> {
  const root = (await parse(xml)) as Record<string, unknown> & { testsuite?: TestSuite[] };
  const suite = root.testsuite?.[0];
  if (!suite) throw new Error('no testsuite');
  return { root, suite, cases: suite.testcase ?? [] };
}

function byName(cases: TestCase[], name: string): TestCase {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no testcase ${name} in ${cases.map((c) => c.name).join(', ')}`);
  return found;
}

describe('renderJunit', () => {
  it('reports a passing run with exact counts, times and timestamp', async () => {
    const s = new EventScript().runStart(['check', 'deploy'], { name: 'bookstore-stage4' });
    s.step('check', { output: 'healthy\n', ms: 850 }).step('deploy', { ms: 12_345 }).runEnd('passed');
    const xml = junitOf(s.events);
    const { root, suite, cases } = await suiteOf(xml);
    expect(root).toMatchObject({ name: 'bookstore-stage4', tests: 2, failures: 0, errors: 0, time: 13.195 });
    expect(suite).toMatchObject({
      name: 'bookstore-stage4',
      tests: 2,
      failures: 0,
      errors: 0,
      skipped: 0,
      time: 13.195,
      timestamp: '2025-01-02T03:04:05',
    });
    expect(cases.map((c) => [c.classname, c.name, c.time])).toEqual([
      ['bookstore-stage4.main', 'check', 0.85],
      ['bookstore-stage4.main', 'deploy', 12.345],
    ]);
    expect(byName(cases, 'check')['system-out']?.[0]).toContain('healthy\n');
    expect(xml).not.toContain('<system-err>');
  });

  it('puts the first line of a multi-line reason in message and all of it in the body', async () => {
    const reason =
      'alarm bookstore-api-blue-StatusCheckFailed still OK after 5m\nlast reason: Threshold Crossed\n  datapoint 0.0';
    const s = new EventScript().runStart(['alarm']);
    s.step('alarm', { status: 'failed', reason }).runEnd('failed', 1, 'step alarm failed');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 1, failures: 1, skipped: 0 });
    const failure = byName(cases, 'alarm').failure?.[0];
    expect(failure?.message).toBe('alarm bookstore-api-blue-StatusCheckFailed still OK after 5m…');
    expect(failure?.type).toBe('failed');
    expect(failure?.inner).toBe(reason);
  });

  it('marks skipped steps and steps that never ran, with the run reason', async () => {
    const s = new EventScript().runStart(['a', 'b', 'c', 'd']);
    s.step('a').step('b', { status: 'skipped', reason: 'when: vars.colour == "green" is false', ms: 0 });
    s.step('c', { status: 'failed', reason: 'exit 1' }).runEnd('failed', 1, 'step c failed');
    const xml = junitOf(s.events);
    const { suite, cases } = await suiteOf(xml);
    expect(suite).toMatchObject({ tests: 4, failures: 1, errors: 0, skipped: 2 });
    expect(byName(cases, 'b').skipped?.[0]?.message).toBe('when: vars.colour == "green" is false');
    expect(byName(cases, 'd').skipped?.[0]?.message).toBe('not run: step c failed');
    expect(cases.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(suite['system-err']?.[0]).toBe('drill failed (exit 1): step c failed\n');
  });

  it('strips ANSI colours from output and messages', async () => {
    const s = new EventScript().runStart(['a']);
    s.stepStart('a').output('a', '\x1b[32mgreen\x1b[39m \x1b[1;31mbold red\x1b[0m\n\x1b[2K\x1b[1Gprogress\n');
    s.tick(10).stepEnd('a', 'failed', { reason: '\x1b[31mexit 2\x1b[0m' }).runEnd('failed');
    const xml = junitOf(s.events);
    expect(xml).not.toContain('\x1b');
    const { cases } = await suiteOf(xml);
    expect(cases[0]?.['system-out']?.[0]).toContain('green bold red\nprogress\n');
    expect(cases[0]?.failure?.[0]?.message).toBe('exit 2');
  });

  it('removes characters XML forbids and keeps valid astral characters', async () => {
    const nasty =
      'nul\x00 bell\x07 esc\x1bb alone vt\x0b ff\x0c lone-high\uD800 lone-low\uDC00 nonchar\uFFFE\uFFFF ok🚀 tab\tend\n';
    const s = new EventScript().runStart(['a']);
    s.stepStart('a').output('a', nasty).tick(5);
    s.stepEnd('a', 'failed', { reason: `bad\x00 \uD83D reason\x1b` }).runEnd('failed');
    const xml = junitOf(s.events);
    for (const bad of ['\x00', '\x07', '\x1b', '\x0b', '\x0c', '\uFFFE', '\uFFFF'])
      expect(xml).not.toContain(bad);
    expect(xml).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    const { cases } = await suiteOf(xml);
    expect(cases[0]?.['system-out']?.[0]).toContain(
      'nul bell escb alone vt ff lone-high lone-low nonchar ok🚀 tab\tend',
    );
    expect(cases[0]?.failure?.[0]?.message).toBe('bad reason');
  });

  it('keeps ]]> harmless in output, messages and names', async () => {
    const s = new EventScript().runStart([{ id: 'x', name: 'cdata ]]> & <name>' }]);
    s.stepStart('x').output('x', '<![CDATA[ a ]]> b ]]]]><![CDATA[> "q" & \'a\'\n').tick(1);
    s.stepEnd('x', 'failed', { reason: 'got ]]> and <b>&amp;</b>' }).runEnd('failed');
    const xml = junitOf(s.events);
    const { cases } = await suiteOf(xml);
    const c = byName(cases, 'cdata ]]> & <name>');
    expect(c['system-out']?.[0]).toContain('<![CDATA[ a ]]> b ]]]]><![CDATA[> "q" & \'a\'\n');
    expect(c.failure?.[0]?.message).toBe('got ]]> and <b>&amp;</b>');
    expect(c.failure?.[0]?.inner).toBe(
      'got ]]> and <b>&amp;</b>\n--- last lines of output ---\n<![CDATA[ a ]]> b ]]]]><![CDATA[> "q" & \'a\'\n',
    );
  });

  it('bounds 50 MB of output to a head and tail with a note of what was cut', async () => {
    const s = new EventScript().runStart(['noisy', 'after']);
    s.stepStart('noisy').output('noisy', 'FIRST LINE\n');
    const line = `${'x'.repeat(1023)}\n`;
    const block = line.repeat(64); // 64 KiB per event
    for (let i = 0; i < 800; i++) s.output('noisy', block);
    s.output('noisy', 'LAST LINE\n').tick(60_000).stepEnd('noisy').step('after').runEnd('passed');
    const total = 'FIRST LINE\n'.length + 800 * block.length + 'LAST LINE\n'.length;
    const xml = junitOf(s.events);
    expect(Buffer.byteLength(xml)).toBeLessThan(300 * 1024);
    const out = byName((await suiteOf(xml)).cases, 'noisy')['system-out']?.[0] ?? '';
    expect(out.startsWith('step noisy (main): passed, 1 attempt\n')).toBe(true);
    expect(out).toContain('--- output ---\nFIRST LINE\nxxx');
    expect(out.endsWith('xxx\nLAST LINE\n')).toBe(true);
    const cut =
      /… \[drillbook: ([\d,]+) bytes of output cut here; the report keeps the start and end of ([\d,]+) bytes\] …/.exec(
        out,
      );
    expect(cut?.[2]).toBe(total.toLocaleString('en-US'));
    expect(Number(cut?.[1]?.replaceAll(',', ''))).toBe(total - 2 * 64 * 1024);
  });

  it('reports an interrupted step as a failure of type interrupted, with the run reason', async () => {
    const s = new EventScript().runStart(['a', 'b', 'c']);
    s.step('a')
      .stepStart('b')
      .output('b', 'half a line')
      .tick(4000)
      .runEnd('aborted', 130, 'aborted by SIGINT');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 3, failures: 1, skipped: 1 });
    const failure = byName(cases, 'b').failure?.[0];
    expect(failure?.type).toBe('interrupted');
    expect(failure?.message).toBe('interrupted while running: aborted by SIGINT');
    expect(byName(cases, 'b').time).toBe(4);
    expect(byName(cases, 'b')['system-out']?.[0]).toContain('half a line');
    expect(byName(cases, 'c').skipped?.[0]?.message).toBe('not run: aborted by SIGINT');
    expect(suite['system-err']?.[0]).toContain('drill aborted (exit 130): aborted by SIGINT');
  });

  it('gives each host of an ssh fan-out its own testcase and output', async () => {
    const s = new EventScript().runStart([{ id: 'deploy', name: 'Deploy' }]);
    s.stepStart('deploy').output('deploy', 'uploading\n');
    s.output('deploy', 'blue says hi\n', { label: 'blue' }).output('deploy', 'green fails\n', {
      label: 'green',
    });
    s.tick(3000).stepEnd('deploy', 'failed', {
      reason: 'failed on green: exit 1',
      parts: [
        { label: 'blue', status: 'passed', durationMs: 2500 },
        { label: 'green', status: 'failed', durationMs: 3000, reason: 'exit 1' },
      ],
    });
    s.runEnd('failed', 1, 'step deploy failed');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 2, failures: 1 });
    expect(cases.map((c) => [c.name, c.time])).toEqual([
      ['Deploy [blue]', 2.5],
      ['Deploy [green]', 3],
    ]);
    const blue = byName(cases, 'Deploy [blue]')['system-out']?.[0] ?? '';
    const green = byName(cases, 'Deploy [green]')['system-out']?.[0] ?? '';
    expect(blue).toContain('uploading\n');
    expect(blue).toContain('blue says hi\n');
    expect(blue).not.toContain('green fails');
    expect(green).toContain('green fails\n');
    expect(green).not.toContain('uploading');
    expect(byName(cases, 'Deploy [green]').failure?.[0]?.message).toBe('exit 1');
  });

  it('adds a step testcase when a fan-out step failed although every host passed', async () => {
    const s = new EventScript().runStart(['deploy']);
    s.stepStart('deploy').tick(10);
    s.stepEnd('deploy', 'failed', {
      reason: 'upload checksum mismatch',
      parts: [{ label: 'blue', status: 'passed', durationMs: 10 }],
    });
    s.runEnd('failed');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 2, failures: 1 });
    expect(byName(cases, 'deploy').failure?.[0]?.message).toBe('upload checksum mismatch');
  });

  it('records gate decisions in system-out and properties; a refused gate is type gate-refused', async () => {
    const s = new EventScript().runStart(['blackhole', 'shutdown']);
    s.gate('blackhole', 'approved', 'yes-flag', 'approved by --yes', {
      message: 'Blackhole blue for 240 s?',
    });
    s.step('blackhole');
    s.gate('shutdown', 'refused', 'policy', 'refused: no approval; pass --yes or --approve shutdown');
    s.stepEnd('shutdown', 'failed', { reason: 'refused: no approval; pass --yes or --approve shutdown' });
    s.runEnd('failed', 1, 'step shutdown failed');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(byName(cases, 'blackhole')['system-out']?.[0]).toContain(
      'gate (confirm) "Blackhole blue for 240 s?": approved by --yes [approved, yes-flag]',
    );
    const shutdown = byName(cases, 'shutdown');
    expect(shutdown.failure?.[0]?.type).toBe('gate-refused');
    expect(shutdown.failure?.[0]?.message).toBe('refused: no approval; pass --yes or --approve shutdown');
    const props = Object.fromEntries((suite.properties ?? []).map((p) => [p.name, p.value]));
    expect(props['drillbook.gate.main:blackhole']).toContain('approved by --yes');
    expect(props['drillbook.gate.main:shutdown']).toContain('refused: no approval');
    expect(props['drillbook.status']).toBe('failed');
    expect(String(props['drillbook.exitCode'])).toBe('1');
  });

  it('shows retries with their reasons', async () => {
    const s = new EventScript().runStart(['deploy']);
    s.stepStart('deploy').tick(100).retry('deploy', 'ssh: connection refused', 5000).tick(5000);
    s.stepStart('deploy').tick(100).stepEnd('deploy').runEnd('passed');
    const { cases } = await suiteOf(junitOf(s.events));
    const out = cases[0]?.['system-out']?.[0] ?? '';
    expect(out).toContain('step deploy (main): passed, 2 attempts');
    expect(out).toContain('retry: attempt 2 in 5.0s after: ssh: connection refused');
  });

  it('makes a tripped stop condition a failing testcase', async () => {
    const s = new EventScript().runStart(['a', 'b']);
    s.step('a').stopTripped('api-up', 'GET /health returned 503 three times');
    s.runEnd('aborted', 1, 'stop condition api-up tripped');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 3, failures: 1, skipped: 1 });
    const stop = byName(cases, 'stop condition: api-up');
    expect(stop.failure?.[0]).toMatchObject({
      type: 'stop-condition',
      message: 'GET /health returned 503 three times',
    });
    expect(byName(cases, 'b').skipped?.[0]?.message).toBe('not run: stop condition api-up tripped');
  });

  it('adds a failing "drill outcome" testcase when the run failed but no testcase did', async () => {
    const s = new EventScript().runStart(['a', 'b']);
    s.step('a').runEnd('aborted', 1, 'aborted at the gate of b by a person');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(suite).toMatchObject({ tests: 3, failures: 1, skipped: 1 });
    expect(byName(cases, 'drill outcome').failure?.[0]).toMatchObject({
      type: 'aborted',
      message: 'aborted at the gate of b by a person',
    });
  });

  it('reports a tolerated failure as a failure of type tolerated (Jenkins: UNSTABLE, not green)', async () => {
    const s = new EventScript().runStart(['optional']);
    s.step('optional', { status: 'failed', reason: 'exit 7', tolerated: true }).runEnd('passed');
    const xml = junitOf(s.events);
    const { suite, cases } = await suiteOf(xml);
    expect(suite).toMatchObject({ tests: 1, failures: 1 });
    expect(cases[0]?.failure?.[0]).toMatchObject({
      type: 'tolerated',
      message: 'tolerated (continue_on_error): exit 7',
    });
    expect(cases[0]?.['system-out']?.[0]).toContain('FAILED but tolerated (continue_on_error)');
    expect(cases[0]?.['system-out']?.[0]).toContain('reason: exit 7');
    // The run passed (exit 0): no invented "drill outcome" failure, but the suite says why it is not green.
    expect(cases.map((c) => c.name)).toEqual(['optional']);
    expect(suite['system-err']?.[0]).toContain('drill passed with 1 tolerated failure (exit 0)');
    expect(xml).toContain('<property name="drillbook.verdict" value="passed with 1 tolerated failure"/>');
  });

  it('names undo, steady-state and finally entries apart from the main steps', async () => {
    const s = new EventScript().runStart([
      { id: 'health', name: 'Health', phase: 'steady-state-before' },
      { id: 'deploy', name: 'Deploy' },
      { id: 'restore', name: 'Finally: restore', phase: 'finally' },
    ]);
    s.step('health').step('deploy', { status: 'failed', reason: 'boom' });
    s.stepStart('deploy', { phase: 'undo' }).tick(10).stepEnd('deploy', 'passed', { phase: 'undo' });
    s.step('restore').runEnd('failed');
    const { cases } = await suiteOf(junitOf(s.events));
    expect(cases.map((c) => [c.classname, c.name])).toEqual([
      ['demo.steady_state', 'Steady state (before): Health'],
      ['demo.main', 'Deploy'],
      ['demo.undo', 'Undo: Deploy'],
      ['demo.finally', 'Finally: restore'],
    ]);
  });

  it('groups testcases by section: steady state before and after share one, run-level cases are .drill', async () => {
    const s = new EventScript().runStart(
      [
        { id: 'health', name: 'Health', phase: 'steady-state-before' },
        { id: 'deploy', name: 'Deploy' },
        { id: 'health2', name: 'Health again', phase: 'steady-state-after' },
      ],
      { name: 'bookstore-stage4' },
    );
    s.step('health').step('deploy').step('health2').stopTripped('alarm', 'alarm in ALARM');
    s.runEnd('failed', 1, 'stop condition alarm tripped');
    const { cases } = await suiteOf(junitOf(s.events));
    expect(cases.map((c) => [c.classname, c.name])).toEqual([
      ['bookstore-stage4.steady_state', 'Steady state (before): Health'],
      ['bookstore-stage4.main', 'Deploy'],
      ['bookstore-stage4.steady_state', 'Steady state (after): Health again'],
      ['bookstore-stage4.drill', 'stop condition: alarm'],
    ]);
  });

  it('ends a failure body with the last lines of output, bounded, and keeps the message to the reason', async () => {
    const s = new EventScript().runStart(['restart', 'fanout']);
    s.stepStart('restart').output('restart', 'START\n');
    for (let i = 1; i <= 5000; i++) s.output('restart', `line ${i} ${'y'.repeat(60)}\n`);
    s.output('restart', 'Job for gunicorn.service failed: see journalctl -xe\n').tick(3000);
    s.stepEnd('restart', 'failed', { reason: 'command exited with status 3' });
    s.stepStart('fanout').output('fanout', 'web1 fine\n', { label: 'web1' });
    s.output('fanout', 'web2: disk full\n', { label: 'web2' }).tick(10);
    s.stepEnd('fanout', 'failed', {
      reason: 'failed on web2',
      parts: [
        { label: 'web1', status: 'passed', durationMs: 5 },
        { label: 'web2', status: 'failed', durationMs: 10, reason: 'exit 1 on web2' },
      ],
    });
    s.runEnd('failed', 1, 'step restart failed');
    const { cases } = await suiteOf(junitOf(s.events));
    const failure = byName(cases, 'restart').failure?.[0];
    expect(failure?.message).toBe('command exited with status 3');
    const body = failure?.inner ?? '';
    expect(body.startsWith('command exited with status 3\n--- last lines of output ---\n')).toBe(true);
    expect(body).toContain('Job for gunicorn.service failed: see journalctl -xe\n');
    expect(body).toContain(`line 4982 ${'y'.repeat(60)}`);
    expect(body).not.toContain('line 4981 ');
    expect(body).not.toContain('START');
    expect(body.length).toBeLessThan(5000);
    const web2 = byName(cases, 'fanout [web2]').failure?.[0]?.inner;
    expect(web2).toBe('exit 1 on web2\n--- last lines of output from web2 ---\nweb2: disk full\n');
  });

  it('reports gate wait apart: testcase time is the action, one waitSeconds property per gate', async () => {
    const s = new EventScript().runStart(['deploy', 'flaky']);
    s.stepStart('deploy');
    s.push({ type: 'gate-request', time: s.now, stepId: 'deploy', kind: 'confirm', message: 'Deploy?' });
    s.tick(600_000);
    s.push({
      type: 'gate-decision',
      time: s.now,
      stepId: 'deploy',
      decision: 'approved',
      by: 'person',
      note: 'ok',
    });
    s.tick(2_500).stepEnd('deploy');
    s.stepStart('flaky').tick(1_000);
    s.push({ type: 'gate-request', time: s.now, stepId: 'flaky', kind: 'failed', message: 'exit 1' });
    s.tick(90_000);
    s.push({
      type: 'gate-decision',
      time: s.now,
      stepId: 'flaky',
      decision: 'retry',
      by: 'person',
      note: 'r',
    });
    s.stepStart('flaky').tick(1_500).stepEnd('flaky').runEnd('passed');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(cases.map((c) => [c.name, c.time])).toEqual([
      ['deploy', 2.5],
      ['flaky', 2.5],
    ]);
    const props = Object.fromEntries((suite.properties ?? []).map((p) => [p.name, p.value]));
    expect(props['drillbook.gate.main:deploy.waitSeconds']).toBe(600);
    expect(props['drillbook.gate.main:flaky.waitSeconds']).toBe(90);
  });

  it('keeps the names the engine gives undo and steady-state steps without prefixing twice', async () => {
    const s = new EventScript().runStart([
      { id: 'before/health', name: 'Steady state (before): Health', phase: 'steady-state-before' },
      { id: 'deploy', name: 'Deploy' },
    ]);
    s.step('before/health').step('deploy', { status: 'failed', reason: 'boom' });
    s.stepStart('undo/deploy', { phase: 'undo', name: 'Undo: Deploy' }).tick(10);
    s.stepEnd('undo/deploy', 'passed', { phase: 'undo', name: 'Undo: Deploy' }).runEnd('failed');
    const { cases } = await suiteOf(junitOf(s.events));
    expect(cases.map((c) => c.name)).toEqual(['Steady state (before): Health', 'Deploy', 'Undo: Deploy']);
  });

  it('reports members of a parallel group, not the group again', async () => {
    const s = new EventScript().runStart([
      { id: 'both', name: 'Deploy both' },
      { id: 'blue', name: 'Deploy blue', group: 'both' },
      { id: 'green', name: 'Deploy green', group: 'both' },
      { id: 'after', name: 'After' },
    ]);
    s.stepStart('both').stepStart('blue').stepStart('green').tick(100).stepEnd('blue');
    s.tick(50).stepEnd('green', 'failed', { reason: 'exit 1' });
    s.stepEnd('both', 'failed', { reason: 'Deploy green: exit 1' });
    s.stepEnd('after', 'skipped', { reason: 'not run: an earlier step failed', attempts: 0, durationMs: 0 });
    s.runEnd('failed', 1, 'Deploy both: Deploy green: exit 1');
    const { suite, cases } = await suiteOf(junitOf(s.events));
    expect(cases.map((c) => c.name)).toEqual(['Deploy blue', 'Deploy green', 'After']);
    expect(suite).toMatchObject({ tests: 3, failures: 1, skipped: 1 });
    expect(byName(cases, 'After').skipped?.[0]?.message).toBe('not run: an earlier step failed');
  });

  it('keeps the whole file bounded when many steps print a lot', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const s = new EventScript().runStart(ids);
    const big = 'y'.repeat(200 * 1024);
    for (const id of ids) s.step(id, { output: big });
    s.runEnd('passed');
    const xml = junitOf(s.events, { maxTotalOutputChars: 1024 * 1024 });
    expect(Buffer.byteLength(xml)).toBeLessThan(1.2 * 1024 * 1024);
    expect(xml).toContain('bytes of output cut here; the JUnit file is kept small');
  });
});
