import { describe, expect, it } from 'vitest';
import { killAtSeededPoints } from '../faults/kill9.js';

/**
 * The kill -9 fault test at many more points than `npm test` can afford: `npm run test:slow`.
 * Each seed is its own test so a failure names the seed to replay with DRILLBOOK_FAULT_SEED.
 */
const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

describe('kill -9 at many seeded random points, then report and resume', () => {
  for (const seed of seeds)
    it(`seed ${seed}: every finished step is reported and nothing that passed runs again`, async () => {
      const outcomes = await killAtSeededPoints(seed, 6);
      expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(6);
    }, 300_000);
});
