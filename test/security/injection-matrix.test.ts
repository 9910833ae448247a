import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';
import { CONTEXTS, REFUSED_CONTEXTS, VALUES } from './injection-cases.js';

/**
 * Every shell context × every hostile value × both sources of a value (`--var`, and a saved
 * step output), locally and over SSH (there with and without sudo). One runbook per place,
 * one engine run: a step per context and source, each holding the context once per value.
 * Each case writes what the shell received to a file; a value that ran as a command would
 * create its canary file instead.
 */
const SOURCES = ['var', 'saved'] as const;
type Source = (typeof SOURCES)[number];
const TOKEN = 'tok-from-the-environment-9f3b';

interface Matrix {
  dir: string;
  canary(j: number): string;
  out(source: Source, i: number, j: number): string;
  value(j: number): string;
}

function matrix(): Matrix {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-matrix-'));
  mkdirSync(join(dir, 'out'));
  mkdirSync(join(dir, 'values'));
  const canary = (j: number) => join(dir, `pwned-${j}`);
  const value = (j: number) => (VALUES[j] ?? '').replaceAll('@CANARY@', canary(j));
  VALUES.forEach((_, j) => {
    writeFileSync(join(dir, 'values', String(j)), value(j));
  });
  return { dir, canary, value, out: (source, i, j) => join(dir, 'out', `${source}-${i}-${j}`) };
}

/** The runbook (JSON is YAML) and the `--var` values for one place: local, or an ssh host. */
function runbookFor(m: Matrix, host?: { spec: Record<string, unknown> }): Record<string, string> {
  const steps: unknown[] = VALUES.map((_, j) => ({
    id: `save-${j}`,
    run: `cat values/${j}`,
    save: `s${j}`,
  }));
  for (const source of SOURCES) {
    CONTEXTS.forEach((context, i) => {
      const script = VALUES.map((_, j) =>
        context.snippet
          .replaceAll('{{V}}', `{{ vars.${source === 'var' ? 'v' : 's'}${j} }}`)
          .replaceAll('@OUT@', m.out(source, i, j)),
      ).join('\n');
      const id = `${source}-${i}`;
      steps.push(
        host
          ? {
              id,
              name: `${source} ${context.name}`,
              ssh: { host: 'h', run: script, sudo: source === 'saved' },
            }
          : { id, name: `${source} ${context.name}`, run: script },
      );
    });
  }
  const doc = {
    name: 'injection-matrix',
    secrets: ['DB_TOKEN'],
    ...(host ? { hosts: { h: host.spec } } : {}),
    steps,
  };
  writeFileSync(join(m.dir, 'runbook.yaml'), JSON.stringify(doc, null, 1));
  return Object.fromEntries(VALUES.map((_, j) => [`v${j}`, m.value(j)]));
}

/** Loads and runs the matrix runbook; returns the failures as readable lines. */
async function runMatrix(m: Matrix, vars: Record<string, string>, env: Record<string, string>) {
  const fullEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', DB_TOKEN: TOKEN, ...env };
  const runbook = await loadRunbook(actions, join(m.dir, 'runbook.yaml'), { vars, env: fullEnv });
  const result = await drill(runbook, { env: fullEnv });
  const problems: string[] = [];
  const ran = readdirSync(m.dir).filter((f) => f.startsWith('pwned-'));
  for (const f of ran) problems.push(`value ${JSON.stringify(m.value(Number(f.slice(6))))} RAN as a command`);
  for (const source of SOURCES) {
    CONTEXTS.forEach((context, i) => {
      VALUES.forEach((_, j) => {
        const sent = source === 'var' ? m.value(j) : m.value(j).trim(); // saved output is trimmed
        const want = context.expect(sent);
        if (want === undefined) return;
        let got: string;
        try {
          got = readFileSync(m.out(source, i, j), 'utf8');
        } catch {
          got = '<no output file>';
        }
        if (got !== want)
          problems.push(`${source} / ${context.name} / ${JSON.stringify(sent)}: got ${JSON.stringify(got)}`);
      });
    });
  }
  return { result, problems };
}

function expectCoverage(): void {
  expect(CONTEXTS.length).toBeGreaterThanOrEqual(20);
  expect(VALUES.length).toBeGreaterThanOrEqual(20);
}

describe('injection matrix: values are data, never code', () => {
  let m: Matrix;
  beforeAll(() => {
    m = matrix();
  });
  afterAll(() => rmSync(m.dir, { recursive: true, force: true }));

  it('local run: no value runs, every value arrives byte for byte', async () => {
    expectCoverage();
    const vars = runbookFor(m);
    const { result, problems } = await runMatrix(m, vars, {});
    expect(problems).toEqual([]);
    expect(result.end.status).toBe('passed');
    // A template-looking value stayed text: the token was never read from the environment.
    expect(readFileSync(m.out('var', 0, VALUES.indexOf('{{ secrets.DB_TOKEN }}')), 'utf8')).toBe(
      '{{ secrets.DB_TOKEN }}',
    );
  }, 120_000);

  it('refuses, with file:line:column, every context where no value can go safely', async () => {
    const steps = REFUSED_CONTEXTS.map((c, i) => ({
      id: `refused-${i}`,
      run: c.snippet.replaceAll('{{V}}', '{{ vars.v }}'),
    }));
    const file = join(m.dir, 'refused.yaml');
    writeFileSync(file, JSON.stringify({ name: 'refused', vars: { v: 'x' }, steps }, null, 1));
    const error = await loadRunbook(actions, file, { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunbookError);
    const errors = (error as RunbookError).errors;
    REFUSED_CONTEXTS.forEach((c, i) => {
      const found = errors.find((e) => e.path === `steps[${i}].run`);
      expect(found, c.name).toBeDefined();
      expect(found?.message, c.name).toMatch(c.why);
      expect(found?.file).toBe(file);
      expect(found?.line, c.name).toBeGreaterThan(0);
      expect(found?.column, c.name).toBeGreaterThan(0);
    });
  });
});

describe.runIf(sshdTestsEnabled())('injection matrix over SSH against a real sshd', () => {
  let sshd: Sshd;
  let home: ReturnType<typeof makeHome>;
  let m: Matrix;
  beforeAll(async () => {
    sshd = await startSshd();
    home = makeHome([sshd.knownHostsLine]);
    m = matrix();
  });
  afterAll(async () => {
    await sshd?.stop();
    home?.cleanup();
    if (m) rmSync(m.dir, { recursive: true, force: true });
  });

  it('ssh run (and sudo): no value runs, every value arrives byte for byte', async () => {
    expectCoverage();
    const spec = { host: sshd.host, port: sshd.port, user: 'root', identity_file: sshd.clientKey };
    const vars = runbookFor(m, { spec });
    const { result, problems } = await runMatrix(m, vars, { HOME: home.home });
    expect(problems).toEqual([]);
    expect(result.end.status).toBe('passed');
  }, 180_000);
});
