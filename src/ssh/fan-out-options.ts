import { ConfigProblem, type JsonSchema } from '../plugin/contract.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_ERRORS, type FanOutOptions, type Size } from './fan-out.js';

const PERCENT = '^(100|[1-9][0-9]?)%$';
const PERCENT_OR_ZERO = '^(100|[1-9]?[0-9])%$';

/** The ssh step's fan-out keys: `concurrency`, `max_errors`, `batches`. */
export const fanOutSchema: Record<string, JsonSchema> = {
  concurrency: {
    description: 'Hosts worked on at once: a number, or a percent of the step\'s hosts ("25%"). Default 10.',
    anyOf: [
      { type: 'integer', minimum: 1 },
      { type: 'string', pattern: PERCENT },
    ],
  },
  max_errors: {
    description:
      "Once more hosts than this failed (a number or a percent of the step's hosts), no more hosts start; running ones finish. Default 0. Any failed host still fails the step.",
    anyOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: PERCENT_OR_ZERO },
    ],
  },
  batches: {
    description:
      'Rolling waves, as Ansible\'s serial: each entry is one wave\'s size (number or percent of the step\'s hosts), the last one repeats; a wave starts when the one before ended within max_errors. E.g. [1, "25%", "100%"].',
    type: 'array',
    minItems: 1,
    items: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: PERCENT },
      ],
    },
  },
};

/** Schema-valid raw keys to sizes; defaults filled. */
export function parseFanOut(raw: {
  concurrency?: number | string;
  max_errors?: number | string;
  batches?: Array<number | string>;
}): FanOutOptions {
  return {
    concurrency: raw.concurrency === undefined ? DEFAULT_CONCURRENCY : size(raw.concurrency, 'concurrency'),
    maxErrors: raw.max_errors === undefined ? DEFAULT_MAX_ERRORS : size(raw.max_errors, 'max_errors'),
    batches: (raw.batches ?? []).map((b, i) => size(b, `batches.${i}`)),
  };
}

function size(value: number | string, path: string): Size {
  if (typeof value === 'number') return { count: value };
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new ConfigProblem(path, `expected a number or a percent like "25%", got "${value}"`);
  return { percent: Number(m[1]) };
}

/** `concurrency 25%, max_errors 2, batches 1, 25%, 100%`: the options that differ from the defaults. */
export function describeFanOut(options: FanOutOptions): string {
  const text = (s: Size) => ('count' in s ? String(s.count) : `${s.percent}%`);
  const said: string[] = [];
  if (text(options.concurrency) !== text(DEFAULT_CONCURRENCY))
    said.push(`concurrency ${text(options.concurrency)}`);
  if (text(options.maxErrors) !== text(DEFAULT_MAX_ERRORS))
    said.push(`max_errors ${text(options.maxErrors)}`);
  if (options.batches.length > 0) said.push(`batches ${options.batches.map(text).join(', ')}`);
  return said.join(', ');
}
