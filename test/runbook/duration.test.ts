import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DURATION_SCHEMA,
  formatDuration,
  MAX_DURATION_MS,
  MAY_BE_ZERO,
  MIN_POLL_INTERVAL_MS,
  POLL_INTERVAL,
  POSITIVE,
  readDuration,
  toDuration,
} from '../../src/runbook/duration.js';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { yamlRunbook } from '../support/drill.js';
import { actions } from '../support/registry.js';

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

/** A compound duration in the grammar (units largest first, each at most once) and its ms. */
const compound = fc
  .tuple(...UNITS.map(() => fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined })))
  .filter((parts) => parts.some((p) => p !== undefined))
  .map((parts) => {
    let text = '';
    let ms = 0;
    parts.forEach((n, i) => {
      if (n === undefined) return;
      const [unit, size] = UNITS[i] ?? ['ms', 1];
      text += `${n}${unit}`;
      ms += n * size;
    });
    return { text, ms };
  });

describe('the duration grammar', () => {
  it('reads simple and compound forms', () => {
    const ms = (value: string | number) => readDuration(value, MAY_BE_ZERO);
    expect(ms('500ms')).toEqual({ ok: true, ms: 500 });
    expect(ms('30s')).toEqual({ ok: true, ms: 30_000 });
    expect(ms('1h30m')).toEqual({ ok: true, ms: 5_400_000 });
    expect(ms('2m30s')).toEqual({ ok: true, ms: 150_000 });
    expect(ms('1m30s500ms')).toEqual({ ok: true, ms: 90_500 });
    expect(ms('1.5h')).toEqual({ ok: true, ms: 5_400_000 });
    expect(ms('7d')).toEqual({ ok: true, ms: MAX_DURATION_MS });
    expect(ms(' 4m ')).toEqual({ ok: true, ms: 240_000 });
    // A YAML number is seconds.
    expect(ms(90)).toEqual({ ok: true, ms: 90_000 });
    expect(ms(0.25)).toEqual({ ok: true, ms: 250 });
  });

  it('refuses what a lenient parser would guess at, saying what is wrong', () => {
    for (const text of [
      '1 hour',
      '5 minutes',
      '-5s',
      '1e3s',
      '30m1h',
      '1h1h',
      '5',
      '1h 30m',
      'ms',
      '',
      '1.s',
      '.5s',
      '5sec',
    ]) {
      const read = readDuration(text);
      expect(read, text).toEqual({
        ok: false,
        message: `${JSON.stringify(text)} is not a duration`,
        hint: expect.any(String),
      });
    }
    expect(readDuration(true).ok).toBe(false);
    expect(readDuration(null).ok).toBe(false);
    expect(readDuration(-1)).toMatchObject({ ok: false, message: 'a duration cannot be negative, got -1' });
    expect(readDuration(Number.POSITIVE_INFINITY)).toMatchObject({
      ok: false,
      message: /longer than the maximum/,
    });
  });

  it('zero only where the rule allows it; intervals have a floor; nothing over 7 days', () => {
    expect(readDuration('0s', POSITIVE)).toMatchObject({ ok: false, message: /0 makes no sense/ });
    expect(readDuration('0s', MAY_BE_ZERO)).toEqual({ ok: true, ms: 0 });
    expect(readDuration('0.1ms', POSITIVE).ok).toBe(false);
    expect(readDuration('99ms', POLL_INTERVAL)).toMatchObject({
      ok: false,
      message: /shorter than the minimum of 100ms/,
    });
    expect(readDuration(`${MIN_POLL_INTERVAL_MS}ms`, POLL_INTERVAL).ok).toBe(true);
    expect(readDuration('600h')).toMatchObject({
      ok: false,
      message: '"600h" is longer than the maximum duration, 7d (168h)',
    });
    expect(readDuration('7d1ms').ok).toBe(false);
    expect(readDuration('168h').ok).toBe(true);
  });

  it('a Duration cannot exceed the timer limit: the constructor refuses it', () => {
    expect(() => toDuration(2 ** 31)).toThrow(RangeError);
    expect(() => toDuration(MAX_DURATION_MS + 1)).toThrow(RangeError);
    expect(() => toDuration(-1)).toThrow(RangeError);
    expect(() => toDuration(Number.NaN)).toThrow(RangeError);
    expect(MAX_DURATION_MS).toBeLessThan(2 ** 31 - 1);
  });

  it('property: every compound form reads back as its exact ms', () => {
    fc.assert(
      fc.property(compound, ({ text, ms }) => {
        const read = readDuration(text, MAY_BE_ZERO);
        if (ms > MAX_DURATION_MS) expect(read.ok).toBe(false);
        else expect(read).toEqual({ ok: true, ms });
      }),
      { numRuns: 1000 },
    );
  });

  it('formatDuration shows a negative span (clock stepped back) as 0ms, as the TUI always did', () => {
    expect(formatDuration(-3)).toBe('0ms');
    expect(formatDuration(-0.4)).toBe('0ms');
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(125_000)).toBe('2m05s');
  });

  it('property: formatDuration output parses back to within its display precision', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS }), (ms) => {
        const text = formatDuration(ms);
        const read = readDuration(text);
        expect(read.ok, text).toBe(true);
        const precision = ms < 1000 ? 1 : ms < 60_000 ? 100 : ms < 3_600_000 ? 1000 : 60_000;
        if (read.ok) expect(Math.abs(read.ms - ms), text).toBeLessThanOrEqual(precision);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: an accepted value is 0 < ms <= max; a refused one has a message', () => {
    const noise = fc.stringMatching(/^[0-9.dhms \-e]{0,12}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          noise,
          compound.map((c) => c.text),
          fc.double(),
          fc.integer(),
        ),
        (value) => {
          const read = readDuration(value, POSITIVE);
          if (read.ok) {
            expect(read.ms).toBeGreaterThan(0);
            expect(read.ms).toBeLessThanOrEqual(MAX_DURATION_MS);
            expect(Number.isInteger(read.ms)).toBe(true);
          } else {
            expect(read.message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: the JSON schema accepts a string exactly when the parser reads its shape', () => {
    const schemaAccepts = new Ajv({ strict: false }).compile(DURATION_SCHEMA);
    const noise = fc.stringMatching(/^[0-9.dhms -]{0,10}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          noise,
          compound.map((c) => c.text),
        ),
        (text) => {
          const read = readDuration(text, MAY_BE_ZERO);
          const shapeOk = read.ok || !read.message.endsWith('is not a duration');
          expect(schemaAccepts(text), text).toBe(shapeOk);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** Every problem of a runbook that must not load, as printed. */
async function problems(text: string): Promise<string> {
  try {
    await yamlRunbook(text);
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

describe('durations and limits in a runbook', () => {
  it('compound durations reach the model, from YAML', async () => {
    const rb = await yamlRunbook(`drillbook: 1
defaults: { timeout: 1h30m, retry_delay: 0s }
stop_when: { every: 2m30s, probes: [{ run: "true" }] }
steps:
  - { id: a, run: echo, timeout: 1m30s500ms, confirm: { message: go?, timeout: 1d } }
  - { id: b, run: echo }
`);
    expect(rb.steps.map((s) => s.timeout)).toEqual([90_500, 5_400_000]);
    expect(rb.steps[1]?.retryDelay).toBe(0);
    expect(rb.steps[0]?.confirm?.timeout).toBe(86_400_000);
    expect(rb.stopWhen.interval).toBe(150_000);
  });

  it('the issue-13 repros are errors with line:column, each at its own field', async () => {
    // Before: 600h overflowed the timer (a step failed after 9 ms, a wait passed after 3 ms),
    // 0s failed the step at once, .inf retries were accepted, 0ms polled ~260 times a second.
    const text = await problems(`drillbook: 1
defaults: { retries: .inf }
stop_when: { every: 50ms, probes: [{ run: "true" }] }
steps:
  - { id: long, run: echo, timeout: 600h }
  - { id: nap, wait: 600h }
  - { id: zero, run: echo, timeout: 0s }
  - { id: poll, http: { url: "http://127.0.0.1:1/", within: 1m, interval: 0ms } }
  - { id: gate, confirm: { message: go?, timeout: 0s } }
  - { id: many, run: echo, retries: 1e20 }
`);
    expect(text.split('\n')).toHaveLength(2);
    // Schema problems are found first, so numeric limits are reported on their own.
    expect(text).toMatch(/:2:\d+: defaults\.retries: expected a number <= 100/);
    expect(text).toMatch(/:10:\d+: steps\[5\]\.retries: expected a number <= 100/);
    const rest = await problems(`drillbook: 1
stop_when: { every: 50ms, probes: [{ run: "true" }] }
steps:
  - { id: long, run: echo, timeout: 600h }
  - { id: nap, wait: 600h }
  - { id: zero, run: echo, timeout: 0s }
  - { id: poll, http: { url: "http://127.0.0.1:1/", within: 1m, interval: 0ms } }
  - { id: gate, confirm: { message: go?, timeout: 0s } }
  - { id: nap2, wait: { for: 8d } }
`);
    expect(rest).toMatch(/:2:\d+: stop_when\.every: "50ms" is shorter than the minimum of 100ms/);
    expect(rest).toMatch(/:4:\d+: steps\[0\]\.timeout: "600h" is longer than the maximum duration, 7d/);
    expect(rest).toMatch(/:5:\d+: steps\[1\]\.wait: "600h" is longer than the maximum/);
    expect(rest).toMatch(/:6:\d+: steps\[2\]\.timeout: a duration of 0 makes no sense here/);
    expect(rest).toMatch(/:7:\d+: steps\[3\]\.http\.interval: "0ms" is shorter than the minimum of 100ms/);
    expect(rest).toMatch(/:8:\d+: steps\[4\]\.confirm\.timeout: a duration of 0 makes no sense/);
    expect(rest).toMatch(/:9:\d+: steps\[5\]\.wait\.for: "8d" is longer than the maximum/);
  });

  it('retries have the same limit in defaults and in a step', async () => {
    for (const value of ['101', '1e20', '.inf', '-1', '1.5']) {
      const inDefaults = await problems(
        `drillbook: 1\ndefaults: { retries: ${value} }\nsteps: [{ run: echo }]\n`,
      );
      const inStep = await problems(`drillbook: 1\nsteps: [{ run: echo, retries: ${value} }]\n`);
      expect(inDefaults.replace(/^.*?retries: /, ''), value).toBe(inStep.replace(/^.*?retries: /, ''));
    }
    const ok = await yamlRunbook('drillbook: 1\ndefaults: { retries: 100 }\nsteps: [{ run: echo }]\n');
    expect(ok.steps[0]?.retries).toBe(100);
  });

  it('Markdown attributes use the same parser: compound accepted, 600h refused at the fence', () => {
    const md = (timeout: string) =>
      buildRunbook(
        actions,
        parseMarkdown('drill.md', `# Drill\n\n## Go\n\n\`\`\`sh {timeout=${timeout}}\necho\n\`\`\`\n`),
      );
    expect(md('1h30m').steps[0]?.timeout).toBe(5_400_000);
    expect(() => md('600h')).toThrow(
      /^drill\.md:5:\d+: steps\[0\]\.timeout: "600h" is longer than the maximum/,
    );
  });
});
