import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS_SHOWN, printRunbookError } from '../../src/commands/io.js';
import type { JsonSchema } from '../../src/plugin/contract.js';
import { RunbookError } from '../../src/runbook/errors.js';
import { escapeUnsafe } from '../../src/runbook/escape.js';
import { parseRunbookBytes } from '../../src/runbook/load.js';
import { runbookSchema } from '../../src/runbook/schema.js';
import { compileRunbookSchema } from '../../src/runbook/schema-cache.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

async function load(file: string, text: string): Promise<RunbookError> {
  try {
    buildRunbook(actions, await parseRunbookBytes(file, Buffer.from(text)));
  } catch (error) {
    if (error instanceof RunbookError) return error;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

function printed(error: RunbookError): string[] {
  let out = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (t: string) => (out += t) },
    stdin: {},
    env: {},
    cwd: '.',
  };
  printRunbookError(io, error);
  return out.split('\n').slice(0, -1);
}

/** `n` steps, each with an unknown key: one schema error per step. */
const typos = (n: number) =>
  `drillbook: 1\nsteps:\n${Array.from({ length: n }, (_, i) => `  - { id: s${i}, run: echo, timout: 5s }\n`).join('')}`;

describe('error reports', () => {
  it('30000 errors are collected in linear time (was over a minute: errors were copied per step)', async () => {
    const started = Date.now();
    const error = await load('many.yaml', typos(30_000));
    expect(error.errors).toHaveLength(30_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('the linear-time validator reports exactly what Ajv itself does, nested parallel steps included', () => {
    const schema = runbookSchema(
      new Map<string, JsonSchema>([...actions].map(([name, a]) => [name, a.schema])),
    );
    const plain = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
    const ours = compileRunbookSchema(schema, { DRILLBOOK_CACHE_DIR: '' });
    const step = (i: number) => ({ id: `s${i}`, run: 'echo', timout: '5s', retries: -1 });
    const data = {
      drillbook: 1,
      steps: [step(0), { id: 'p', parallel: [step(1), { parallel: [step(2), { run: 5 }] }] }, step(3)],
      finally: [step(4)],
    };
    const shape = (errors: typeof plain.errors) =>
      (errors ?? []).map((e) => [e.instancePath, e.keyword, JSON.stringify(e.params)].join(' '));
    expect(plain(data)).toBe(false);
    expect(ours(data)).toBe(false);
    expect(shape(ours.errors)).toEqual(shape(plain.errors));
    expect(shape(ours.errors).length).toBeGreaterThan(8);
  });

  it('at most 50 problems are printed, in file order, then how many more', async () => {
    const lines = printed(await load('many.yaml', typos(120)));
    expect(lines).toHaveLength(MAX_PROBLEMS_SHOWN + 2);
    expect(lines[0]).toMatch(/^many\.yaml:3:\d+: steps\[0\]\.timout: unknown key "timout"/);
    expect(lines[49]).toMatch(/^many\.yaml:52:\d+: steps\[49\]\.timout/);
    expect(lines.slice(-2)).toEqual([
      'drillbook: and 70 more problems not shown',
      'drillbook: 120 problems found',
    ]);
    expect(printed(await load('few.yaml', typos(50)))).toHaveLength(51);
  });

  it('control and bidi characters from the runbook are shown escaped, in keys, values and suggestions', async () => {
    const text = [
      'drillbook: 1',
      'steps:',
      '  - { id: a, run: echo, "time\u202Eout": 5s }',
      '  - { id: b, run: echo, "timeou\\e": 5s }',
      '  - { id: c, run: echo, timeout: "5\u2066s" }',
      '  - { id: "e\\u0085", run: echo }',
      '',
    ].join('\n');
    const lines = printed(await load('bidi.yaml', text));
    const all = lines.join('\n');
    expect(all).toContain('unknown key "time\\u202Eout"');
    expect(all).toContain('unknown key "timeou\\u001B" (did you mean "timeout"?)');
    expect(all).toContain('\\u2066');
    const later = printed(
      await load(
        'var.yaml',
        'drillbook: 1\nvars: { region: x }\nsteps:\n  - run: "echo {{ vars.regio\u200Fn }}"\n',
      ),
    );
    expect(later[0]).toContain('regio\\u200Fn');
    expect(later[0]).not.toContain('\u200F');
    expect(all).toContain('\\u0085');
    expect(all).not.toMatch(
      /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/,
    );
  });

  it('property: escaped text has no unsafe character, and safe text is unchanged', () => {
    const unsafe = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeUnsafe(text);
        expect(escaped).not.toMatch(unsafe);
        if (!unsafe.test(text)) expect(escaped).toBe(text);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('\u202E', '\u2066', '\u200E', '\u001B', '\u0085', '\u0000', '\uD800'),
        (ch) => {
          expect(escapeUnsafe(`a${ch}b`)).toMatch(/^a\\u[0-9A-F]{4}b$/);
        },
      ),
    );
  });
});
