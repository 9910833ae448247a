import type { RunState } from './state/run-state.js';
import type { ViewState } from './state/view-state.js';
import type { Prompt } from './tui-gate.js';

export interface Layout {
  messageRows: number;
  /** Rows for the step list and the output pane (or help) together. */
  free: number;
  listRows: number;
  /** Lines the output pane shows (its title and border are extra). */
  outputRows: number;
}

/**
 * Splits the terminal's rows: fixed parts first (header, messages, the prompt or the end
 * summary), then the step list gets up to 40% of the rest and the output pane all that is
 * left, so the frame fills the window. One row stays free: a frame as tall as the terminal
 * scrolls it by a line and makes Ink redraw everything.
 */
export function layout({
  run,
  prompt,
  view,
  rows,
}: {
  run: RunState;
  prompt: Prompt | undefined;
  view: ViewState;
  rows: number;
}): Layout {
  const messageRows = Math.min(3, run.messages.lines.length + Object.keys(run.messages.partial).length);
  const headerRows = 1 + (run.aborting && !run.end ? 1 : 0) + (run.stopReason ? 1 : 0);
  const bottomRows = run.end
    ? summaryRows(run)
    : prompt
      ? prompt.kind === 'confirm' && prompt.request.phrase !== undefined
        ? 10
        : prompt.kind === 'failed'
          ? 6
          : 7
      : 1;
  const free = Math.max(6, rows - 1 - headerRows - messageRows - bottomRows - (view.askingAbort ? 1 : 0));
  // Help takes the output pane's place and most of the list's: it is taller than a short pane.
  const listRows = Math.min(run.steps.length, view.help ? 3 : Math.max(3, Math.floor(free * 0.4)));
  const searchRow = view.output.typing === undefined ? 0 : 1;
  const outputRows = Math.max(2, free - listRows - 2 - searchRow);
  return { messageRows, free, listRows, outputRows };
}

/** The end summary box: border, headline, reason, verdict notes, report lines. */
function summaryRows(run: RunState): number {
  return 6 + (run.reportPaths?.length ?? 0);
}
