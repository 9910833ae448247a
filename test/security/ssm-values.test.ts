import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsWithValues } from '../../src/aws/ssm-script.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { isolateAwsEnv } from '../support/aws-context.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';
import { CONTEXTS, VALUES } from './injection-cases.js';

/**
 * Values in `ssm:` commands are data: every shell context × every hostile value × both
 * sources (`--var`, a saved step output), sent through the real SDK to the sandbox, whose
 * instances run them with /bin/sh. A value that ran would create its canary file; each case
 * writes what the shell received. Beyond the shell: no value's text is in the command SSM
 * receives at all (so SSM's own `{{ssm:...}}` rewriting cannot touch it either).
 */
const SOURCES = ['var', 'saved'] as const;
const EXTRA = ['{{ssm:/drillbook/canary}}', "{{resolve:ssm:/x}}'"];
const ALL = [...VALUES, ...EXTRA];
let sandbox: Sandbox;
let restoreEnv: () => void;
let dir: string;

const canary = (j: number) => join(dir, `pwned-${j}`);
const value = (j: number) => (ALL[j] ?? '').replaceAll('@CANARY@', canary(j));
const out = (source: string, i: number, j: number) => join(dir, 'out', `${source}-${i}-${j}`);

beforeAll(async () => {
  restoreEnv = isolateAwsEnv();
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 500 });
  dir = mkdtempSync(join(tmpdir(), 'drillbook-ssm-values-'));
  mkdirSync(join(dir, 'out'));
  mkdirSync(join(dir, 'values'));
  ALL.forEach((_, j) => {
    writeFileSync(join(dir, 'values', String(j)), value(j));
  });
});
afterAll(async () => {
  await sandbox?.close();
  restoreEnv?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ssm: values are data, never code', () => {
  it('no value runs on an instance, every value arrives byte for byte, none is in the sent text', async () => {
    const steps: unknown[] = ALL.map((_, j) => ({ id: `save-${j}`, run: `cat values/${j}`, save: `s${j}` }));
    CONTEXTS.forEach((context, i) => {
      const commands = SOURCES.flatMap((source) =>
        ALL.map((_, j) =>
          context.snippet
            .replaceAll('{{V}}', `{{ vars.${source === 'var' ? 'v' : 's'}${j} }}`)
            .replaceAll('@OUT@', out(source, i, j)),
        ),
      );
      steps.push({
        id: `ctx-${i}`,
        name: context.name,
        ssm: { instance_ids: ['i-0b1e000000000b1e0'], commands, interval: '100ms' },
      });
    });
    const doc = { name: 'ssm-values', aws: { endpoint: sandbox.endpoints.aws, region: 'us-west-2' }, steps };
    writeFileSync(join(dir, 'runbook.yaml'), JSON.stringify(doc, null, 1));
    const vars = Object.fromEntries(ALL.map((_, j) => [`v${j}`, value(j)]));
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const runbook = await loadRunbook(actions, join(dir, 'runbook.yaml'), { vars, env });
    const result = await drill(runbook, { env });

    const problems: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.startsWith('pwned-'))) {
      problems.push(`value ${JSON.stringify(value(Number(f.slice(6))))} RAN on the instance`);
    }
    for (const source of SOURCES) {
      CONTEXTS.forEach((context, i) => {
        ALL.forEach((_, j) => {
          const sent = source === 'var' ? value(j) : value(j).trim(); // saved output is trimmed
          const want = context.expect(sent);
          if (want === undefined) return;
          let got: string;
          try {
            got = readFileSync(out(source, i, j), 'utf8');
          } catch {
            got = '<no output file>';
          }
          if (got !== want)
            problems.push(
              `${source} / ${context.name} / ${JSON.stringify(sent)}: got ${JSON.stringify(got)}`,
            );
        });
      });
    }
    expect(problems).toEqual([]);
    expect(result.end.status).toBe('passed');

    const sentText = sandbox
      .ssmCommands()
      .flatMap((c) => c.lines)
      .join('\n');
    expect(sandbox.ssmCommands()).toHaveLength(CONTEXTS.length);
    // Values long enough not to occur in the snippets by chance never appear in what SSM got.
    for (const v of ALL.map((_, j) => value(j)).filter((v) => v.trim().length >= 6)) {
      expect(sentText.includes(v), JSON.stringify(v)).toBe(false);
    }
    expect(sentText).not.toContain('{{ssm:');
  }, 180_000);

  it('the value lines give /bin/sh back any string exactly (property)', () => {
    // Shell's special characters often, any Unicode sometimes (no NUL, no lone surrogates).
    const special = fc.constantFrom(...'$`"\'\\\n\r{}()[];|&<>*?!# \t~=%-.ü✓'.split(''));
    const values = fc.sample(
      fc
        .oneof(fc.string({ unit: special, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }))
        .filter((s) => !s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s),
      { numRuns: 300, seed: 19 },
    );
    const env = Object.fromEntries(values.map((v, i) => [`DRILLBOOK_V${i + 1}`, v]));
    const printAll = values.map((_, i) => `printf '%s\\0' "\${DRILLBOOK_V${i + 1}}"`);
    const script = commandsWithValues(printAll, env).join('\n');
    const run = spawnSync('/bin/sh', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\u0000').slice(0, -1)).toEqual(values);
  });

  it('refuses a value with a NUL byte instead of sending a shortened one', () => {
    expect(() => commandsWithValues(['true'], { DRILLBOOK_V1: 'a\u0000b' })).toThrow(/NUL byte/);
  });
});
