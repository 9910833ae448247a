import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type TestSuite } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { type RunArgs, runCommand } from '../../src/commands/run.js';
import { capturingIo, healthyDir, STACK_LINE } from '../faults/in-process.js';
import { assertValidJunit } from '../support/xmllint.js';

const ARGS = {
  headless: true,
  yes: true,
  dryRun: false,
  failOnSkip: false,
  rollback: 'on-failure',
  acceptNewHostKeys: false,
} as const;

async function run(
  cwd: string,
  args: Partial<RunArgs> & { runbook: string },
  env: Record<string, string> = {},
) {
  const { io, out } = capturingIo(cwd, env);
  const code = await runCommand({ ...ARGS, ...args }, io);
  expect(out.stderr).not.toMatch(STACK_LINE);
  return { code, ...out };
}

async function onlyCase(path: string) {
  const xml = readFileSync(path, 'utf8');
  assertValidJunit(xml);
  const root = (await parse(xml)) as { testsuite?: TestSuite[] };
  const suite = root.testsuite?.[0];
  expect(suite?.testcase).toHaveLength(1);
  return { suite, testcase: suite?.testcase?.[0] };
}

const PASSING = 'name: nightly\nsteps:\n  - { id: hello, run: "echo hello" }\n';
/** A stale report an earlier build left in the workspace: it must never be published again. */
const STALE =
  '<?xml version="1.0"?><testsuites><testsuite name="nightly" tests="1"><testcase classname="nightly.main" name="hello"/></testsuite></testsuites>\n';

describe('--junit when nothing runs (exit 2)', () => {
  it('an invalid runbook replaces a stale report with one failing testcase naming file:line:column', async () => {
    const dir = healthyDir();
    writeFileSync(join(dir, 'drill.yaml'), 'name: nightly\nsteps:\n  - { id: hello, rnu: "echo hello" }\n');
    writeFileSync(join(dir, 'junit.xml'), STALE);
    const r = await run(dir, { runbook: join(dir, 'drill.yaml'), junit: join(dir, 'junit.xml') });
    expect(r.code).toBe(2);
    const { suite, testcase } = await onlyCase(join(dir, 'junit.xml'));
    expect(suite).toMatchObject({ name: 'drill', tests: 1, failures: 1 });
    expect(testcase).toMatchObject({ classname: 'drill.drill', name: 'drill not started' });
    const failure = testcase?.failure?.[0];
    expect(failure?.type).toBe('not-started');
    expect(failure?.message).toMatch(/drill\.yaml:3:\d+: /);
    expect(failure?.inner).toContain('nothing was run: drillbook exited 2');
    expect(failure?.inner).toContain(r.stderr.split('\n')[0]);
  });

  it('a missing secret, a bad --var and an unknown --approve each leave a report that says why', async () => {
    const dir = healthyDir();
    writeFileSync(
      join(dir, 'drill.yaml'),
      'name: nightly\nsecrets: [GREMLIN_TEAM_SECRET]\nsteps:\n  - { id: hello, run: "echo hello" }\n',
    );
    const secret = { GREMLIN_TEAM_SECRET: 'Zq9-team-secret' };
    const cases: Array<[Partial<RunArgs>, Record<string, string>, RegExp]> = [
      [{}, {}, /secret not set: GREMLIN_TEAM_SECRET/],
      [{ var: ['novalue'] }, secret, /--var expects name=value/],
      [{ approve: ['nosuchstep'] }, secret, /nosuchstep/],
    ];
    for (const [i, [extra, env, why]] of cases.entries()) {
      const junit = join(dir, `reports/${i}.xml`);
      mkdirSync(join(dir, 'reports'), { recursive: true });
      writeFileSync(junit, STALE);
      const r = await run(dir, { runbook: join(dir, 'drill.yaml'), junit, ...extra }, env);
      expect(r.code).toBe(2);
      const { suite, testcase } = await onlyCase(junit);
      // Named after the runbook when it could be read, its file name otherwise.
      expect(suite?.name).toBe(extra.var ? 'drill' : 'nightly');
      expect(testcase?.failure?.[0]?.inner).toMatch(why);
      expect(readFileSync(junit, 'utf8')).not.toContain('Zq9-team-secret');
      expect(existsSync(join(dir, '.drillbook'))).toBe(false);
    }
  });

  it('a runbook that runs writes its usual report, not the refusal', async () => {
    const dir = healthyDir();
    writeFileSync(join(dir, 'drill.yaml'), PASSING);
    const r = await run(dir, { runbook: join(dir, 'drill.yaml'), junit: join(dir, 'junit.xml') });
    expect(r.code, r.stderr).toBe(0);
    const { testcase } = await onlyCase(join(dir, 'junit.xml'));
    expect(testcase).toMatchObject({ classname: 'nightly.main', name: 'hello' });
  });
});

describe('--run-dir and DRILLBOOK_RUN_DIR', () => {
  it('puts the journal and meta.json in the named directory, private, and refuses one that holds a run', async () => {
    const dir = healthyDir();
    writeFileSync(join(dir, 'drill.yaml'), PASSING);
    const first = await run(dir, { runbook: join(dir, 'drill.yaml'), runDir: 'builds/41' });
    expect(first.code, first.stderr).toBe(0);
    const runDir = join(dir, 'builds/41');
    expect(readFileSync(join(runDir, 'journal.jsonl'), 'utf8')).toContain('"run-end"');
    expect(existsSync(join(runDir, 'meta.json'))).toBe(true);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, '.drillbook'))).toBe(false);

    const again = await run(dir, {
      runbook: join(dir, 'drill.yaml'),
      runDir: 'builds/41',
      junit: join(dir, 'j.xml'),
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--run-dir builds/41: already holds a run (meta.json)');
    const { testcase } = await onlyCase(join(dir, 'j.xml'));
    expect(testcase?.failure?.[0]?.inner).toContain('already holds a run');
    expect(readFileSync(join(runDir, 'journal.jsonl'), 'utf8').match(/"run-start"/g)).toHaveLength(1);
  });

  it('takes DRILLBOOK_RUN_DIR when no flag is given, an existing empty directory too; the flag wins', async () => {
    const dir = healthyDir();
    writeFileSync(join(dir, 'drill.yaml'), PASSING);
    mkdirSync(join(dir, 'from-env'), { mode: 0o755 });
    const byEnv = await run(dir, { runbook: join(dir, 'drill.yaml') }, { DRILLBOOK_RUN_DIR: 'from-env' });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-env/journal.jsonl'))).toBe(true);
    expect(statSync(join(dir, 'from-env')).mode & 0o777).toBe(0o700);
    const byFlag = await run(
      dir,
      { runbook: join(dir, 'drill.yaml'), runDir: 'from-flag' },
      { DRILLBOOK_RUN_DIR: 'from-env' },
    );
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-flag/journal.jsonl'))).toBe(true);
  });

  it('refuses --junit pointing into the run directory and an empty --run-dir', async () => {
    const dir = healthyDir();
    writeFileSync(join(dir, 'drill.yaml'), PASSING);
    const into = await run(dir, { runbook: join(dir, 'drill.yaml'), runDir: 'b', junit: 'b/journal.jsonl' });
    expect(into.code).toBe(2);
    expect(into.stderr).toContain("is the run's journal");
    const empty = await run(dir, { runbook: join(dir, 'drill.yaml'), runDir: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--run-dir needs one directory name');
  });
});
