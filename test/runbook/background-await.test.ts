import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yamlRunbook } from '../support/drill.js';

/**
 * `await:` is accepted exactly when it names a background step written above it under
 * `steps:`; everything else is refused with a position. Random runbooks of foreground and
 * background steps with random awaits, checked against that rule.
 */
interface Drafted {
  background: boolean;
  /** Index of the step awaited (any step, earlier or later), or -1 for an unknown id. */
  awaits?: number;
}

const step = fc.record(
  { background: fc.boolean(), awaits: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }) },
  { requiredKeys: ['background'] },
);

function yamlOf(steps: Drafted[]): string {
  const lines = steps.map((s, i) => {
    const keys = [`id: s${i}`, 'run: "true"'];
    if (s.background) keys.push('background: true');
    if (s.awaits !== undefined)
      keys.push(`await: ${s.awaits < 0 || s.awaits >= steps.length ? 'nowhere' : `s${s.awaits}`}`);
    return `  - { ${keys.join(', ')} }`;
  });
  return `steps:\n${lines.join('\n')}\n`;
}

/** The rule, written out: an await names an earlier background step, and is not on one. */
function shouldLoad(steps: Drafted[]): boolean {
  return steps.every((s, i) => {
    if (s.awaits === undefined) return true;
    if (s.background) return false;
    const target = steps[s.awaits];
    return s.awaits >= 0 && s.awaits < i && target?.background === true;
  });
}

describe('await names an earlier background step, or the runbook is refused', () => {
  it('agrees with the rule on random runbooks; refusals carry line and column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const outcome = await yamlRunbook(yamlOf(steps)).then(
          (rb) => ({ loaded: true as const, rb }),
          (error: Error) => ({ loaded: false as const, message: error.message }),
        );
        expect(outcome.loaded, yamlOf(steps)).toBe(shouldLoad(steps));
        if (!outcome.loaded) {
          for (const line of outcome.message.split('\n'))
            expect(line).toMatch(/runbook\.yaml:\d+:\d+: steps\[\d+\]\.await: /);
        } else {
          outcome.rb.steps.forEach((s, i) => {
            if (s.kind !== 'action') return;
            expect(s.background, `s${i}`).toBe(steps[i]?.background ? true : undefined);
            expect(s.await).toBe(steps[i]?.awaits === undefined ? undefined : `s${steps[i]?.awaits}`);
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});
