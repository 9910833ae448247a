import type { ConfirmDecision, FailureDecision } from '../../engine/gate.js';
import type { AbortReason } from '../session.js';
import type { Prompt } from '../tui-gate.js';
import { allLines, type Line } from './line-buffer.js';
import { followTail, jump, type OutputView, page, toEnd, toStart, typeSearch } from './output-view.js';
import type { RunState, StepView } from './run-state.js';

/** What the person is doing on screen; the run itself lives in RunState. */
export interface ViewState {
  help: boolean;
  askingAbort: boolean;
  /** A step picked with j/k whose output is shown instead of the live step's. */
  selected?: string;
  /** Text typed for a gate's phrase. */
  phrase: string;
  phraseError?: string;
  /** In a phrase gate, Esc leaves the text field so s/q/? work as keys. */
  phraseKeys: boolean;
  /** Scroll position and search in the output pane of the focused step. */
  output: OutputView;
}

export const initialViewState: ViewState = {
  help: false,
  askingAbort: false,
  phrase: '',
  phraseKeys: false,
  output: followTail,
};

/** The subset of Ink's Key that decisions depend on. */
export interface KeyPress {
  ctrl?: boolean;
  meta?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
}

export type Effect =
  | { type: 'confirm'; decision: ConfirmDecision }
  | { type: 'failed'; decision: FailureDecision }
  | { type: 'abort'; reason: AbortReason }
  /** `o`: the focused step's whole output in $PAGER. */
  | { type: 'page'; stepId: string };

export interface KeyResult {
  view: ViewState;
  effects: Effect[];
}

const by = 'person' as const;

/** The keys of the after-failure question, each with what the engine records. */
const failureKeys: Record<string, Omit<FailureDecision, 'by'> | undefined> = {
  r: { decision: 'retry', note: 'retry chosen in the TUI' },
  c: { decision: 'fail', note: 'failure accepted in the TUI' },
  i: { decision: 'ignore', note: 'failure ignored in the TUI (as continue_on_error)' },
};

/**
 * Maps one key press to a new view state and the decisions it makes. Pure, so every key
 * binding is tested without a terminal; the input hook only performs the effects.
 */
export function handleKey(
  view: ViewState,
  run: RunState,
  prompt: Prompt | undefined,
  input: string,
  key: KeyPress,
  /** Rows of the output pane: what one PgUp/PgDn moves. */
  paneRows = 10,
): KeyResult {
  const same: KeyResult = { view, effects: [] };
  if (key.ctrl && input === 'c') {
    return { view: { ...view, askingAbort: false }, effects: [{ type: 'abort', reason: 'SIGINT' }] };
  }
  if (view.askingAbort) {
    if (input === 'y' || input === 'Y') {
      return { view: { ...view, askingAbort: false }, effects: [{ type: 'abort', reason: 'user' }] };
    }
    if (input === 'n' || input === 'N' || key.escape)
      return { view: { ...view, askingAbort: false }, effects: [] };
    return same;
  }
  if (view.help) {
    return input === '?' || input === 'q' || key.escape
      ? { view: { ...view, help: false }, effects: [] }
      : same;
  }
  const focusedId = view.selected ?? run.current;
  const lines = focusedId === undefined ? [] : focusedLines(run, focusedId);
  // After `/` every key is search text until Enter or Esc, even if a gate appears meanwhile.
  if (view.output.typing !== undefined) {
    return { view: { ...view, output: typeSearch(view.output, lines, paneRows, input, key) }, effects: [] };
  }
  const phrase = prompt?.kind === 'confirm' ? prompt.request.phrase : undefined;
  if (prompt?.kind === 'confirm' && phrase !== undefined && !view.phraseKeys) {
    return typePhrase(view, phrase, input, key);
  }
  if (input === '?') return { view: { ...view, help: true }, effects: [] };
  if (input === 'q') {
    return run.end || run.aborting ? same : { view: { ...view, askingAbort: true }, effects: [] };
  }
  if (prompt?.kind === 'confirm') {
    if (input === 's') {
      return {
        view: resetPhrase(view),
        effects: [{ type: 'confirm', decision: { decision: 'skip', by, note: 'skipped in the TUI' } }],
      };
    }
    // In a phrase gate these keys go back to the text field: approval needs the phrase.
    if (phrase !== undefined && (input === 'a' || key.return || key.escape)) {
      return { view: { ...view, phraseKeys: false }, effects: [] };
    }
    if (input === 'a' || key.return) {
      return {
        view,
        effects: [{ type: 'confirm', decision: { decision: 'approve', by, note: 'approved in the TUI' } }],
      };
    }
  }
  if (prompt?.kind === 'failed') {
    // No Enter here: after a failure every choice has a different outcome, so each has its own key.
    const decision = failureKeys[input];
    if (decision) return { view, effects: [{ type: 'failed', decision: { ...decision, by } }] };
  }
  if (input === 'o' && focusedId !== undefined)
    return { view, effects: [{ type: 'page', stepId: focusedId }] };
  const scrolled = scroll(view.output, lines, paneRows, input, key);
  if (scrolled !== undefined) return { view: { ...view, output: scrolled }, effects: [] };
  if (input === 'j' || key.downArrow) return { view: select(view, run, +1), effects: [] };
  if (input === 'k' || key.upArrow) return { view: select(view, run, -1), effects: [] };
  if (key.escape && view.selected !== undefined) {
    const { selected: _s, ...rest } = view;
    return { view: { ...rest, output: freshOutput(view.output) }, effects: [] };
  }
  return same;
}

/** A new prompt starts with an empty phrase field. */
export function resetPhrase(view: ViewState): ViewState {
  const { phraseError: _e, ...rest } = view;
  return { ...rest, phrase: '', phraseKeys: false };
}

function typePhrase(view: ViewState, phrase: string, input: string, key: KeyPress): KeyResult {
  if (key.return) {
    if (view.phrase === phrase) {
      return {
        view: resetPhrase(view),
        effects: [
          {
            type: 'confirm',
            decision: { decision: 'approve', by, note: 'approved in the TUI (phrase typed)' },
          },
        ],
      };
    }
    return { view: { ...view, phraseError: `that is not the phrase; type exactly: ${phrase}` }, effects: [] };
  }
  if (key.escape) return { view: { ...view, phraseKeys: true }, effects: [] };
  if (key.backspace || key.delete)
    return { view: { ...view, phrase: view.phrase.slice(0, -1) }, effects: [] };
  if (key.ctrl || key.meta || input === '') return { view, effects: [] };
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  const { phraseError: _e, ...rest } = view;
  return { view: { ...rest, phrase: (view.phrase + text).slice(0, 200) }, effects: [] };
}

/** j/k move through steps that have started (their output exists); the live step clears it. */
function select(view: ViewState, run: RunState, direction: 1 | -1): ViewState {
  const started = run.steps.filter((s: StepView) => s.status !== 'pending');
  if (started.length === 0) return view;
  const from = view.selected ?? run.current;
  let index = started.findIndex((s) => s.id === from);
  if (index < 0) index = direction > 0 ? -1 : started.length;
  const next = started[Math.min(started.length - 1, Math.max(0, index + direction))]!;
  if (next.id === view.selected) return view;
  return { ...view, selected: next.id, output: freshOutput(view.output) };
}

/** Another step's output starts at its tail; the search text is kept for n/N there. */
function freshOutput(output: OutputView): OutputView {
  return output.query === undefined ? followTail : { query: output.query };
}

function focusedLines(run: RunState, stepId: string): readonly Line[] {
  const buffer = run.output[stepId];
  return buffer ? allLines(buffer) : [];
}

/** PgUp/PgDn, g/G (Home/End), `/`, n/N; undefined for any other key. */
function scroll(
  output: OutputView,
  lines: readonly Line[],
  rows: number,
  input: string,
  key: KeyPress,
): OutputView | undefined {
  if (key.pageUp) return page(output, lines.length, rows, -1);
  if (key.pageDown) return page(output, lines.length, rows, +1);
  if (input === 'g' || key.home) return toStart(output);
  if (input === 'G' || key.end) return toEnd(output);
  if (input === '/') return { ...output, typing: '' };
  if (input === 'n') return jump(output, lines, rows, +1);
  if (input === 'N') return jump(output, lines, rows, -1);
  return undefined;
}
