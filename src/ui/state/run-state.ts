import type { EngineEvent, RunEndEvent, StepStatus } from '../../engine/events.js';
import type { MeasureResult } from '../../engine/measure-result.js';
import { numberSteps, stepKey } from '../../report/step-numbers.js';
import type { Phase } from '../../runbook/model.js';
import { appendChunks, type Chunk, emptyBuffer, type LineBuffer } from './line-buffer.js';

/**
 * The TUI's picture of a run, built only from engine events (plus a few things the TUI
 * itself learns: report paths, stray stderr, an abort in progress). Pure: the store feeds
 * batches of events through `applyEvents` and React renders the result.
 */
export type StepState = 'pending' | 'running' | 'waiting' | 'retrying' | StepStatus;

export interface StepView {
  id: string;
  name: string;
  phase: Phase;
  group?: string;
  status: StepState;
  /** The step's number as every view prints it: `3/11`, `2.1/11`, `finally 1/2`, `undo`. */
  tag?: string;
  /** 0 until the step starts; then the attempt in progress or the last one. */
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  /** What the step does, from step-start: `sh: systemctl restart gunicorn`. */
  summary?: string;
  description?: string;
  reason?: string;
  tolerated?: boolean;
  /** Rollback ran its undo: the step's effect is no longer in place. */
  undone?: boolean;
  /** The last gate decision for this step, e.g. `approved by person`. */
  decision?: string;
  /** Started with `background: true`: it stays running while later steps run. */
  background?: true;
  /** Hosts of a fan-out: started once they print (result not known yet), then each one's result at the step's end. */
  hosts?: HostCell[];
}

export interface HostCell {
  label: string;
  state: 'started' | 'passed' | 'failed' | 'skipped';
}

export interface GateView {
  stepId: string;
  kind: 'confirm' | 'failed';
  message: string;
  phrase?: string;
}

export interface RunState {
  title: string;
  startedAt?: number;
  steps: StepView[];
  /** Bounded output per step id, so a finished step's output can still be viewed. */
  output: Record<string, LineBuffer>;
  /** The step whose output is live: the one started last. */
  current?: string;
  gate?: GateView;
  stopReason?: string;
  /** Set once an abort was requested: 'SIGINT', 'SIGTERM' or 'user'. */
  aborting?: string;
  end?: RunEndEvent;
  /** The run's measures, journaled just before run-end (none when the runbook has none). */
  measures?: MeasureResult[];
  reportPaths?: string[];
  reportError?: string;
  /** Stray stderr/console writes caught while the TUI is on screen. */
  messages: LineBuffer;
}

/** Things the TUI adds to the event stream itself. */
export type UiEvent =
  | { type: 'ui-aborting'; reason: string }
  | { type: 'ui-reports'; paths: string[] }
  | { type: 'ui-report-error'; message: string }
  | { type: 'ui-message'; text: string };

export type RunStateEvent = EngineEvent | UiEvent;

export const OUTPUT_LINES_PER_STEP = 500;
export const MESSAGE_LINES = 50;

export function initialRunState(title: string): RunState {
  return { title, steps: [], output: {}, messages: emptyBuffer };
}

export function applyEvents(state: RunState, events: readonly RunStateEvent[]): RunState {
  if (events.length === 0) return state;
  const batch = new Batch({ ...state, steps: [...state.steps], output: { ...state.output } });
  for (const event of events) applyEvent(batch, event);
  return batch.done();
}

/**
 * One batch of events being applied to a copy of the state. Output is gathered per step and
 * appended once per batch: the batch is the unit of work.
 */
class Batch {
  private readonly chunks = new Map<string, Chunk[]>();
  readonly messages: Chunk[] = [];

  constructor(readonly next: RunState) {}

  addOutput(stepId: string, chunk: Chunk): void {
    const list = this.chunks.get(stepId);
    if (list) list.push(chunk);
    else this.chunks.set(stepId, [chunk]);
  }

  /** Neither the state nor this batch holds output of the step yet. */
  hasNoOutput(stepId: string): boolean {
    return !this.next.output[stepId] && !this.chunks.has(stepId);
  }

  done(): RunState {
    const { next } = this;
    for (const [stepId, pending] of this.chunks)
      next.output[stepId] = appendChunks(next.output[stepId] ?? emptyBuffer, pending, OUTPUT_LINES_PER_STEP);
    if (this.messages.length > 0) next.messages = appendChunks(next.messages, this.messages, MESSAGE_LINES);
    return next;
  }
}

function applyEvent(batch: Batch, event: RunStateEvent): void {
  const { next } = batch;
  switch (event.type) {
    case 'run-start':
      next.title = event.runbook.title || next.title;
      next.startedAt = event.time;
      next.steps = stepsOfPlan(event);
      break;
    case 'step-start':
      onStepStart(batch, event);
      break;
    case 'output':
      if (event.label !== undefined) noteHost(next, event.stepId, event.label);
      batch.addOutput(
        event.stepId,
        event.label === undefined
          ? { stream: event.stream, text: event.text }
          : { stream: event.stream, text: event.text, label: event.label },
      );
      break;
    case 'gate-request':
      onGateRequest(next, event);
      break;
    case 'gate-decision':
      if (next.gate?.stepId === event.stepId) next.gate = undefined;
      update(next, event.stepId, undefined, undefined, (s) => ({
        ...s,
        status: s.status === 'waiting' && event.decision === 'approved' ? 'running' : s.status,
        decision: `${event.decision} (${event.note})`,
      }));
      break;
    case 'step-retry':
      onStepRetry(batch, event);
      break;
    case 'step-end':
      onStepEnd(batch, event);
      break;
    default:
      applyRunEvent(batch, event);
  }
}

/** Events about the run as a whole, and the ones the TUI adds itself. */
function applyRunEvent(batch: Batch, event: RunStateEvent): void {
  const { next } = batch;
  switch (event.type) {
    case 'step-undone':
      update(next, event.stepId, event.name, 'main', (s) => ({ ...s, undone: true }));
      break;
    case 'stop-tripped':
      next.stopReason = `${event.probeId}: ${event.reason}`;
      break;
    case 'measures':
      next.measures = event.measures;
      break;
    case 'run-end':
      next.end = event;
      next.gate = undefined;
      break;
    case 'ui-aborting':
      next.aborting ??= event.reason;
      break;
    case 'ui-reports':
      next.reportPaths = event.paths;
      break;
    case 'ui-report-error':
      next.reportError = event.message;
      break;
    case 'ui-message':
      batch.messages.push({ stream: 'stderr', text: `${event.text}\n` });
      break;
  }
}

type EventOf<T extends RunStateEvent['type']> = Extract<RunStateEvent, { type: T }>;

/** Every planned row, numbered; steps a resumed run passed earlier show as passed. */
function stepsOfPlan(event: EventOf<'run-start'>): StepView[] {
  const numbers = numberSteps(event.plan);
  return event.plan.map((p) => ({
    id: p.id,
    name: p.name,
    phase: p.phase,
    tag: numbers.tags.get(stepKey(p.phase, p.id)) ?? '',
    ...(p.group === undefined ? {} : { group: p.group }),
    status: event.resumed?.passed.includes(p.id) ? 'passed' : 'pending',
    attempt: 0,
    ...(event.resumed?.passed.includes(p.id) ? { reason: 'passed in the interrupted run' } : {}),
  }));
}

function onStepStart(batch: Batch, event: EventOf<'step-start'>): void {
  // The same step again (retry) keeps its earlier output, with a marker line.
  if (event.attempt > 1)
    batch.addOutput(event.stepId, { stream: 'info', text: `── attempt ${event.attempt} ──\n` });
  update(batch.next, event.stepId, event.name, event.phase, (s) => {
    const { durationMs: _d, reason: _r, tolerated: _t, hosts: _h, ...rest } = s;
    return {
      ...rest,
      status: 'running',
      attempt: event.attempt,
      startedAt: event.time,
      summary: event.summary,
      ...(event.description === undefined ? {} : { description: event.description }),
      ...(event.group === undefined ? {} : { group: event.group }),
      ...(event.background ? { background: true as const } : {}),
    };
  });
  batch.next.current = event.stepId;
}

function onGateRequest(next: RunState, event: EventOf<'gate-request'>): void {
  next.gate = {
    stepId: event.stepId,
    kind: event.kind,
    message: event.message,
    ...(event.phrase === undefined ? {} : { phrase: event.phrase }),
  };
  if (event.kind === 'confirm')
    update(next, event.stepId, undefined, undefined, (s) => ({ ...s, status: 'waiting' }));
  // The step has failed while the person decides: ✘, its clock stopped, counted as failed.
  else
    update(next, event.stepId, undefined, undefined, (s) => ({
      ...s,
      status: 'failed',
      reason: event.message,
      ...(s.startedAt === undefined ? {} : { durationMs: Math.max(0, event.time - s.startedAt) }),
    }));
}

function onStepRetry(batch: Batch, event: EventOf<'step-retry'>): void {
  batch.addOutput(event.stepId, {
    stream: 'info',
    text: `retrying in ${Math.round(event.delayMs / 100) / 10}s: ${event.reason}\n`,
  });
  // The clock a failure stopped runs again: the step is live.
  update(batch.next, event.stepId, undefined, undefined, ({ durationMs: _d, ...s }) => ({
    ...s,
    status: 'retrying',
    reason: event.reason,
  }));
}

function onStepEnd(batch: Batch, event: EventOf<'step-end'>): void {
  const { next } = batch;
  // A step replayed from a journal brings the tail of its output on its end.
  if (event.outputTail && batch.hasNoOutput(event.stepId))
    batch.addOutput(event.stepId, { stream: 'stdout', text: event.outputTail });
  update(next, event.stepId, event.name, event.phase, (s) => ({
    ...s,
    status: event.status,
    attempt: Math.max(s.attempt, event.attempts),
    durationMs: event.durationMs,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(event.tolerated ? { tolerated: true } : {}),
    ...(event.parts?.length ? { hosts: event.parts.map((p) => ({ label: p.label, state: p.status })) } : {}),
  }));
  if (next.gate?.stepId === event.stepId) next.gate = undefined;
}

/** A labelled line from a step: that host (or part) has started, unless it is already known. */
function noteHost(state: RunState, stepId: string, label: string): void {
  const step = state.steps.find((s) => s.id === stepId);
  if (step?.status !== 'running' || step.hosts?.some((c) => c.label === label)) return;
  update(state, stepId, undefined, undefined, (s) => ({
    ...s,
    hosts: [...(s.hosts ?? []), { label, state: 'started' }],
  }));
}

/** Replaces one step (copy-on-write); steps the plan did not list (undo) are appended. */
function update(
  state: RunState,
  id: string,
  name: string | undefined,
  phase: Phase | undefined,
  change: (s: StepView) => StepView,
): void {
  const index = state.steps.findIndex((s) => s.id === id);
  if (index >= 0) {
    state.steps[index] = change(state.steps[index]!);
    return;
  }
  const added = change({ id, name: name ?? id, phase: phase ?? 'main', status: 'pending', attempt: 0 });
  if (added.phase === 'undo') added.tag = 'undo';
  // Rollback runs before finally: its rows go before the finally rows, in the order they ran.
  const finallyAt = state.steps.findIndex((s) => s.phase === 'finally');
  if (added.phase === 'undo' && finallyAt >= 0) state.steps.splice(finallyAt, 0, added);
  else state.steps.push(added);
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  remaining: number;
  total: number;
}

/**
 * The header's and summary's counts: the drill's own top-level steps only, the count
 * validate, plan and headless `[n/N]` use. Finally, undo and steady state: `countApart`.
 */
export function countSteps(state: RunState): Counts {
  return tally(state.steps.filter((s) => s.phase === 'main' && s.group === undefined));
}

/** Finally, undo and steady-state rows, counted apart from the drill's steps. */
export function countApart(state: RunState): Counts {
  return tally(state.steps.filter((s) => s.phase !== 'main' && s.group === undefined));
}

function tally(steps: readonly StepView[]): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, remaining: 0, total: steps.length };
  for (const step of steps) {
    if (step.status === 'passed') counts.passed++;
    else if (step.status === 'failed' || step.status === 'interrupted') counts.failed++;
    else if (step.status === 'skipped') counts.skipped++;
    else counts.remaining++;
  }
  return counts;
}

export function isFinished(step: StepView): boolean {
  return (
    step.status === 'passed' ||
    step.status === 'failed' ||
    step.status === 'skipped' ||
    step.status === 'interrupted'
  );
}

/** `finally, undo, steady state: 3 passed, 1 failed`, or '' when there are none. */
export function describeApart(state: RunState): string {
  const c = countApart(state);
  if (c.total === 0) return '';
  const parts = [
    `${c.passed} passed`,
    `${c.failed} failed`,
    ...(c.skipped > 0 ? [`${c.skipped} skipped`] : []),
  ];
  return `finally, undo, steady state: ${parts.join(', ')}`;
}
