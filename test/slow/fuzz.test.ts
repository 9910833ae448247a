import { describe, expect, it } from 'vitest';
import { runFuzz } from '../support/fuzz.js';

/**
 * The big fuzz run (`npm run test:slow`): many seeds, up to 6 mutations per case. A failure
 * prints the case name (`case-<seed>-<n>`) and its recipe; `fuzzCases(seed, n + 1)` rebuilds it.
 * FUZZ_CASES and FUZZ_SEED change the size and the seed.
 */
const CASES = Number(process.env['FUZZ_CASES'] ?? 20_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 2026);

describe('fuzz (slow): mutated runbooks', () => {
  it(`${CASES} cases from seed ${SEED}: valid or file:line:col problems, no throw, no hang`, {
    timeout: 600_000,
  }, async () => {
    const { failures, valid, invalid, rssGrowth } = await runFuzz(SEED, CASES, 6);
    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
    expect(valid + invalid).toBe(CASES);
    expect(rssGrowth).toBeLessThan(600 * 1024 * 1024);
  });
});
