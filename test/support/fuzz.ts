import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseRunbookBytes } from '../../src/runbook/load.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from './registry.js';
import { seededRandom } from './seeded-random.js';

/** The repository root (this file is test/support/fuzz.ts); not from cli.ts, so scripts can use this file too. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped runbooks and the test fixtures: the inputs the fuzzer mutates. */
export function seedRunbooks(): { name: string; bytes: Buffer }[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (['.md', '.yaml', '.yml'].includes(extname(entry.name))) files.push(path);
    }
  };
  walk(join(REPO_ROOT, 'runbooks'));
  walk(join(REPO_ROOT, 'test', 'fixtures', 'runbooks'));
  return files.sort().map((f) => ({ name: relative(REPO_ROOT, f), bytes: readFileSync(f) }));
}

/** Text that is special to YAML, Markdown, templates, terminals or UTF-8. */
const SPECIAL = [
  '{{',
  '}}',
  '{{ vars.x }}',
  ': ',
  '- ',
  '```',
  '```sh',
  '> ',
  '> [!CONFIRM]',
  '&a ',
  '*a',
  '<<: *a',
  '&c [*c]',
  '&d {k: *d}',
  '"',
  "'",
  '\t',
  '\r',
  '\r\n',
  '[',
  '{',
  '#',
  '---\n',
  '\u202E',
  '\u2066',
  '\u001B[2J',
  '\uFEFF',
  '0s',
  '600h',
  '.inf',
  '1e20',
  '!!js/function ',
  '!!binary ',
  '__proto__: ',
  '   ',
];
const BAD_BYTES = [0x00, 0xff, 0xc3, 0xe2, 0x80, 0xf6];

type Mutation = (bytes: Buffer, rand: () => number, other: Buffer) => { bytes: Buffer; what: string };

const pick = <T>(list: readonly T[], rand: () => number): T => list[Math.floor(rand() * list.length)] as T;
const at = (length: number, rand: () => number) => Math.floor(rand() * (length + 1));

function lines(bytes: Buffer): string[] {
  return bytes.toString('latin1').split('\n');
}
const joined = (list: string[]) => Buffer.from(list.join('\n'), 'latin1');

const MUTATIONS: Record<string, Mutation> = {
  flipByte(b, rand) {
    const out = Buffer.from(b);
    const i = Math.floor(rand() * out.length);
    const value = rand() < 0.5 ? pick(BAD_BYTES, rand) : Math.floor(rand() * 256);
    out[i] = value;
    return { bytes: out, what: `byte ${i} = 0x${value.toString(16)}` };
  },
  deleteLine(b, rand) {
    const l = lines(b);
    const i = Math.floor(rand() * l.length);
    l.splice(i, 1);
    return { bytes: joined(l), what: `delete line ${i + 1}` };
  },
  duplicateLine(b, rand) {
    const l = lines(b);
    const i = Math.floor(rand() * l.length);
    l.splice(i, 0, l[i] ?? '');
    return { bytes: joined(l), what: `duplicate line ${i + 1}` };
  },
  indent(b, rand) {
    const l = lines(b);
    const i = Math.floor(rand() * l.length);
    const line = l[i] ?? '';
    const change = pick([' ', '  ', '    ', '\t', '-1', '-2'], rand);
    l[i] = change.startsWith('-')
      ? line.slice(Math.min(Number(change.slice(1)), line.search(/\S|$/)))
      : change + line;
    return { bytes: joined(l), what: `indent line ${i + 1} by ${JSON.stringify(change)}` };
  },
  insertSpecial(b, rand) {
    const i = at(b.length, rand);
    const text = pick(SPECIAL, rand);
    return {
      bytes: Buffer.concat([b.subarray(0, i), Buffer.from(text), b.subarray(i)]),
      what: `insert ${JSON.stringify(text)} at ${i}`,
    };
  },
  nest(b, rand) {
    // Deep nesting of every kind the front-ends see, at the start of a line or after `key: `.
    const unit = pick(['> ', '- ', '[', '{a: ', '  ', '*a ', '1. '], rand);
    const times = Math.floor(rand() * 3000);
    const l = lines(b);
    const i = Math.floor(rand() * l.length);
    const line = l[i] ?? '';
    const colon = line.indexOf(': ');
    const cut = rand() < 0.5 && colon !== -1 ? colon + 2 : 0;
    l[i] = line.slice(0, cut) + unit.repeat(times) + line.slice(cut);
    return {
      bytes: joined(l),
      what: `insert ${JSON.stringify(unit)} x ${times} at line ${i + 1} column ${cut + 1}`,
    };
  },
  truncate(b, rand) {
    const i = at(b.length, rand);
    return { bytes: b.subarray(0, i), what: `truncate at ${i}` };
  },
  splice(b, rand, other) {
    const i = at(b.length, rand);
    const j = at(other.length, rand);
    return {
      bytes: Buffer.concat([b.subarray(0, i), other.subarray(j)]),
      what: `splice ${i} + other from ${j}`,
    };
  },
};

export interface FuzzCase {
  /** File name the runbook is parsed as (its extension picks YAML or Markdown). */
  name: string;
  bytes: Buffer;
  /** How it was made, to reproduce a failure. */
  recipe: string;
}

/** `count` mutated runbooks, the same ones for the same seed. */
export function fuzzCases(seed: number, count: number, maxMutations = 3): FuzzCase[] {
  const rand = seededRandom(seed);
  const seeds = seedRunbooks();
  const kinds = Object.keys(MUTATIONS);
  return Array.from({ length: count }, (_, n) => {
    const base = pick(seeds, rand);
    let bytes = base.bytes;
    const steps: string[] = [];
    const times = 1 + Math.floor(rand() * maxMutations);
    for (let k = 0; k < times; k++) {
      const kind = pick(kinds, rand);
      const result = MUTATIONS[kind]?.(bytes, rand, pick(seeds, rand).bytes);
      if (!result) continue;
      bytes = result.bytes;
      steps.push(`${kind}: ${result.what}`);
    }
    const ext = extname(base.name);
    return { name: `case-${seed}-${n}${ext}`, bytes, recipe: `${base.name}: ${steps.join('; ')}` };
  });
}

export type Verdict = { ok: true; valid: boolean; ms: number } | { ok: false; problem: string; ms: number };

const POSITION = /^(?<file>[^\n]+?):(?<line>\d+):(?<column>\d+): \S/;

/**
 * Loads one case the way `validate` does, in-process, and judges the outcome: valid, or a
 * RunbookError whose every problem has file:line:column (at least 1:1) and a message, and
 * nothing else thrown. `problem` says what broke the rule.
 */
export async function judge(c: FuzzCase): Promise<Verdict> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  try {
    buildRunbook(actions, await parseRunbookBytes(c.name, c.bytes), { env: { HOME: '/nonexistent' } });
    return { ok: true, valid: true, ms: ms() };
  } catch (error) {
    if (!(error instanceof RunbookError))
      return { ok: false, problem: `threw ${String(error)}\n${(error as Error)?.stack ?? ''}`, ms: ms() };
    for (const e of error.errors) {
      const bad =
        e.file !== c.name ||
        !Number.isInteger(e.line) ||
        !Number.isInteger(e.column) ||
        e.line < 1 ||
        e.column < 1 ||
        e.message.trim() === '' ||
        e.message.includes('\n    at ');
      if (bad) return { ok: false, problem: `bad problem ${JSON.stringify(e)}`, ms: ms() };
    }
    for (const line of error.message.split('\n')) {
      const m = POSITION.exec(line);
      if (m?.groups?.['file'] !== c.name)
        return { ok: false, problem: `line without a position: ${line}`, ms: ms() };
    }
    return { ok: true, valid: false, ms: ms() };
  }
}

/** The longest one case may take: a hang or a quadratic blow-up shows as a failure, not a stuck run. */
export const PER_CASE_MS = 2000;

/** Judges `count` cases from `seed`; each failure is the recipe to reproduce it and what broke. */
export async function runFuzz(
  seed: number,
  count: number,
  maxMutations = 3,
): Promise<{ failures: string[]; valid: number; invalid: number; rssGrowth: number }> {
  const rssBefore = process.memoryUsage().rss;
  const failures: string[] = [];
  let valid = 0;
  let invalid = 0;
  for (const c of fuzzCases(seed, count, maxMutations)) {
    const verdict = await judge(c);
    if (!verdict.ok) failures.push(`${c.name} = ${c.recipe}\n  ${verdict.problem}`);
    else if (verdict.ms > PER_CASE_MS)
      failures.push(`${c.name} = ${c.recipe}\n  took ${Math.round(verdict.ms)} ms`);
    else if (verdict.valid) valid++;
    else invalid++;
  }
  return { failures, valid, invalid, rssGrowth: process.memoryUsage().rss - rssBefore };
}
