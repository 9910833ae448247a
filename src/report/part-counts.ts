import type { StepPart } from '../engine/events.js';
import { shortList } from '../runbook/host-groups.js';

/** Above this many parts (hosts of a fan-out) the console prints counts and the failures only. */
export const COMPACT_PARTS = 10;

/** `100 hosts: 57 passed, 3 failed, 40 skipped` (only the states that occur). */
export function partCounts(parts: readonly StepPart[]): string {
  const count = (status: StepPart['status']) => parts.filter((p) => p.status === status).length;
  const states = (['passed', 'failed', 'skipped'] as const)
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${parts.length} hosts: ${states.join(', ')}`;
}

/** The hosts never started, on one line with the reason (they all share it). */
export function skippedLine(parts: readonly StepPart[]): string[] {
  const skipped = parts.filter((p) => p.status === 'skipped');
  if (skipped.length === 0) return [];
  const why = skipped[0]?.reason ?? 'not started';
  return [`        skipped ${shortList(skipped.map((p) => p.label))}: ${why}\n`];
}
