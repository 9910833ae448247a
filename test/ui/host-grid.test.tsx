import chalk from 'chalk';
import { render as inkRender } from 'ink-testing-library';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { HostGrid, hostGridRows } from '../../src/ui/HostGrid.js';
import { applyEvents, initialRunState } from '../../src/ui/state/run-state.js';
import { render } from '../support/render.js';

const hosts = Array.from({ length: 30 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const base = { time: 0, stepId: 'fan', name: 'fan', phase: 'main' as const };

describe('host grid (large fan-outs in the TUI)', () => {
  it('shows hosts as they start talking, then one cell per host with its result and the counts', () => {
    let state = initialRunState('fleet');
    state = applyEvents(state, [
      { type: 'step-start', ...base, attempt: 1, summary: 'ssh web: deploy' } as EngineEvent,
      ...hosts.slice(0, 12).map(
        (label): EngineEvent => ({
          type: 'output',
          time: 0,
          stepId: 'fan',
          stream: 'stdout',
          text: 'ok\n',
          label,
        }),
      ),
      { type: 'output', time: 0, stepId: 'fan', stream: 'stdout', text: 'again\n', label: 'web-01' },
    ]);
    const live = state.steps.find((s) => s.id === 'fan')?.hosts ?? [];
    expect(live).toHaveLength(12);
    let ui = render(<HostGrid cells={live} columns={80} />);
    expect(ui.frame().split('\n')).toEqual(['hosts 12: ▶ 12 started', '▶'.repeat(12)]);
    ui.unmount();

    state = applyEvents(state, [
      {
        type: 'step-end',
        ...base,
        status: 'failed',
        durationMs: 10,
        attempts: 1,
        reason: '2 of 30 hosts failed',
        parts: hosts.map((label, i) => ({
          label,
          durationMs: i < 14 ? 5 : 0,
          status: i === 3 || i === 9 ? 'failed' : i < 14 ? 'passed' : 'skipped',
        })),
      },
    ]);
    const cells = state.steps.find((s) => s.id === 'fan')?.hosts ?? [];
    ui = render(<HostGrid cells={cells} columns={20} />);
    expect(ui.frame().split('\n')).toEqual([
      'hosts 30: ✔ 12 passed · ✘ 2 failed · ↷ 16 not started',
      '✔✔✔✘✔✔✔✔✔✘✔✔✔✔↷↷↷↷↷',
      '↷↷↷↷↷↷↷↷↷↷↷',
    ]);
    ui.unmount();
    expect(hostGridRows(cells, 20)).toBe(3);
    expect(hostGridRows(cells.slice(0, 10), 80)).toBe(0);
  });

  it('colours each cell by state (green, red, yellow, cyan), never only by colour', () => {
    // The test process is no terminal: turn colour on for this render, as a TTY would.
    const level = chalk.level;
    chalk.level = 1;
    onTestFinished(() => {
      chalk.level = level;
    });
    const ui = inkRender(
      <HostGrid
        cells={hosts.slice(0, 12).map((label, i) => ({
          label,
          state: (['passed', 'failed', 'skipped', 'started'] as const)[i % 4] ?? 'passed',
        }))}
        columns={80}
      />,
    );
    const raw = ui.lastFrame() ?? '';
    expect(raw).toContain('\u001b[32m✔');
    expect(raw).toContain('\u001b[31m✘');
    expect(raw).toContain('\u001b[33m↷');
    expect(raw).toContain('\u001b[36m▶');
    ui.unmount();
  });
});
