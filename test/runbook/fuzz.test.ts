import { describe, expect, it } from 'vitest';
import { runFuzz } from '../support/fuzz.js';

/**
 * Mutated shipped runbooks (byte flips, deleted/duplicated lines, indentation, special text,
 * truncation, splices between files), validated in-process as `drillbook validate` does:
 * each ends valid or with problems that all carry file:line:column, never anything thrown,
 * never slow, never a memory blow-up. A few hundred here; test/slow/fuzz.test.ts runs more.
 * Seed 2's 300 cases include one (deep nesting) that crashed drillbook with a RangeError before
 * issue 13 was fixed, so this test fails on that code.
 */
describe('fuzz: mutated runbooks', () => {
  it('300 seeded cases: valid or file:line:col problems, no throw, no hang, bounded memory', async () => {
    const { failures, valid, invalid, rssGrowth } = await runFuzz(2, 300);
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
    // Both outcomes occur, or the mutations are too weak (or too strong) to test anything.
    expect(valid).toBeGreaterThan(3);
    expect(invalid).toBeGreaterThan(100);
    expect(rssGrowth).toBeLessThan(400 * 1024 * 1024);
  });
});
