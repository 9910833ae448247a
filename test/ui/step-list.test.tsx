import { describe, expect, it } from 'vitest';
import { StepList } from '../../src/ui/StepList.js';
import type { StepView } from '../../src/ui/state/run-state.js';
import { render } from '../support/render.js';

const step = (id: string, extra: Partial<StepView> = {}): StepView => ({
  id,
  name: id,
  phase: 'main',
  status: 'passed',
  attempt: 1,
  durationMs: 100,
  ...extra,
});

describe('step list', () => {
  it('indents parallel members under their group; undo rows say Undo once; finally is labelled', () => {
    const ui = render(
      <StepList
        steps={[
          step('group', { name: 'Break both' }),
          step('a', { name: 'Break a', group: 'group' }),
          step('b', { name: 'Break b', group: 'group', status: 'failed', reason: 'exit 1' }),
          step('undo-a', { name: 'Undo: Break a', phase: 'undo' }),
          step('cleanup', { name: 'cleanup', phase: 'finally', status: 'pending', durationMs: undefined }),
        ]}
        now={0}
        height={10}
      />,
    );
    const rows = ui.frame().split('\n');
    expect(rows[0]).toMatch(/^ {2}✔ Break both/);
    expect(rows[1]).toMatch(/^ {4}✔ Break a/);
    expect(rows[2]).toMatch(/^ {4}✘ Break b — exit 1/);
    expect(rows[3]).toMatch(/^ {2}✔ Undo: Break a/);
    expect(rows[3]).not.toMatch(/undo: Undo/i);
    expect(rows[4]).toMatch(/^ {2}○ finally: cleanup/);
    ui.unmount();
  });

  it('a long list keeps the focused step visible and says how many are above and below', () => {
    const steps = Array.from({ length: 40 }, (_, i) => step(`s${i + 1}`));
    const ui = render(<StepList steps={steps} focused="s30" now={0} height={8} />);
    const frame = ui.frame();
    expect(frame).toMatch(/› ✔ s30/);
    expect(frame).toMatch(/↑ \d+ more/);
    expect(frame).toMatch(/↓ \d+ more/);
    expect(frame.split('\n')).toHaveLength(8);
    ui.unmount();
  });
});
