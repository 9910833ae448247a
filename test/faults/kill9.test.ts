import { describe, expect, it } from 'vitest';
import { killAtSeededPoints } from './kill9.js';

/** DRILLBOOK_FAULT_SEED replays a failing run; the slow suite (test/slow) tries many more points. */
const seed = Number(process.env['DRILLBOOK_FAULT_SEED'] ?? 13);

describe('kill -9 at seeded random points, then report and resume', () => {
  it('every finished step is reported and nothing that passed runs again', async () => {
    const outcomes = await killAtSeededPoints(seed, 4);
    // A kill that always lands before or after the drill would prove nothing.
    expect(outcomes.resumed, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }, 120_000);
});
