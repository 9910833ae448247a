import { BoundedText, DEFAULT_HEAD_CHARS, DEFAULT_TAIL_CHARS } from '../engine/bounded-text.js';
import type {
  EngineEvent,
  GateDecisionEvent,
  GateRequestEvent,
  RunEndEvent,
  RunStartEvent,
  StepEndEvent,
  StepStartEvent,
} from '../engine/events.js';
import type { GateRecord, OutputRecord, RunReport, StepReport } from './report-model.js';

export type { GateRecord, OutputRecord, RetryRecord, RunReport, StepReport } from './report-model.js';

export interface RunReportOptions {
  /** Characters of output kept from the start and the end of each step (and each host). */
  headChars?: number;
  tailChars?: number;
  /** False: keep no output at all (the console reporter streams it and only needs a summary). */
  keepOutput?: boolean;
}

/** A step while events arrive: the report entry plus its live output buffers. */
interface Entry {
  step: StepReport;
  open: boolean;
  /** Saw a step-start: the engine reports steps it never started as a bare skipped step-end. */
  started: boolean;
  /**
   * Attempts the step-ends reported: a step-start says attempt 1 before its gate is asked, so
   * a refused or skipped gate must not count as an attempt of an action that never ran.
   */
  endedAttempts: number;
  /** '' is the step's own output; other keys are labels (ssh hosts). */
  buffers: Map<string, BoundedText>;
}

/**
 * Folds engine events into a `RunReport`. Feed every event to `add`, in order; `build` may
 * be called at any time (even mid-run) and does not disturb the fold. Tolerates partial
 * streams: steps that started but never ended become `interrupted`, a run without run-end
 * becomes `interrupted` with a null exit code.
 */
export class RunReportBuilder {
  private start?: RunStartEvent;
  private end?: RunEndEvent;
  private firstTime?: number;
  private lastTime?: number;
  private readonly entries = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  /** The entry a step id's output, gates and retries go to: the one that started last. */
  private readonly current = new Map<string, Entry>();
  /** Gates seen before their step started (the engine asks before it runs the action). */
  private readonly pendingGates = new Map<string, GateRecord[]>();
  private readonly openGate = new Map<string, GateRecord>();
  private readonly stopTripped: RunReport['stopTripped'] = [];
  private measures: RunReport['measures'] = [];
  private readonly other: BoundedText;
  private readonly headChars: number;
  private readonly tailChars: number;
  private readonly keepOutput: boolean;

  constructor(options: RunReportOptions = {}) {
    this.headChars = options.headChars ?? DEFAULT_HEAD_CHARS;
    this.tailChars = options.tailChars ?? DEFAULT_TAIL_CHARS;
    this.keepOutput = options.keepOutput ?? true;
    this.other = new BoundedText(this.headChars, this.tailChars);
  }

  add(event: EngineEvent): void {
    this.firstTime ??= event.time;
    this.lastTime = event.time;
    switch (event.type) {
      case 'run-start':
        this.start = event;
        break;
      case 'step-start':
        this.onStepStart(event);
        break;
      case 'output': {
        if (!this.keepOutput) break;
        const entry = this.current.get(event.stepId);
        if (entry) this.buffer(entry, event.label ?? '').append(event.text);
        else this.other.append(event.text);
        break;
      }
      case 'gate-request':
        this.onGateRequest(event);
        break;
      case 'gate-decision':
        this.onGateDecision(event);
        break;
      case 'step-retry':
        this.current.get(event.stepId)?.step.retries.push({
          time: event.time,
          attempt: event.attempt,
          reason: event.reason,
          delayMs: event.delayMs,
        });
        break;
      case 'step-end':
        this.onStepEnd(event);
        break;
      case 'step-undone':
        this.entry(event.stepId, 'main', event.name).step.undone = { status: event.undo };
        break;
      case 'stop-tripped':
        this.stopTripped.push({ time: event.time, probeId: event.probeId, reason: event.reason });
        break;
      case 'measures':
        this.measures = event.measures.map((m) => ({ ...m }));
        break;
      case 'run-end':
        this.end = event;
        break;
    }
  }

  build(): RunReport {
    const start = this.start;
    const startedAt = start?.time ?? this.firstTime ?? 0;
    const endedAt = this.end?.time ?? this.lastTime ?? startedAt;
    const complete = this.end !== undefined;
    const reason =
      this.end?.reason ??
      (complete
        ? undefined
        : this.lastTime === undefined
          ? 'no events were recorded: the run never started or its journal is empty'
          : `the run stopped without finishing (killed or crashed); its last event was at ${new Date(endedAt).toISOString()}`);

    // Steps in the order they started; then those that never did, in plan order.
    const planIndex = new Map((start?.plan ?? []).map((p, i) => [`${p.phase}:${p.id}`, i]));
    const at = (step: StepReport) => planIndex.get(step.key) ?? Number.MAX_SAFE_INTEGER;
    const never = [
      ...this.order.filter((entry) => !entry.started).map((entry) => this.finishStep(entry, endedAt, reason)),
      ...this.notRunSteps(reason),
    ].sort((a, b) => at(a) - at(b));
    const steps = [
      ...this.order.filter((entry) => entry.started).map((entry) => this.finishStep(entry, endedAt, reason)),
      ...never,
    ];

    const report: RunReport = {
      runId: start?.runId ?? 'unknown',
      runbook: start ? { ...start.runbook } : { name: 'drillbook', title: 'drillbook', file: '', digest: '' },
      startedAt,
      endedAt,
      durationMs: Math.max(0, endedAt - startedAt),
      status: this.end?.status ?? 'interrupted',
      exitCode: this.end?.exitCode ?? null,
      complete,
      vars: { ...(start?.vars ?? {}) },
      stopTripped: [...this.stopTripped],
      steps,
      measures: this.measures.map((m) => ({ ...m })),
    };
    if (reason !== undefined) report.reason = reason;
    if (start?.dryRun) report.dryRun = true;
    markToleratedMembers(steps);
    if (start?.resumed) report.resumed = { from: start.resumed.from, passed: [...start.resumed.passed] };
    if (!this.other.isEmpty) report.otherOutput = this.other.snapshot();
    return report;
  }

  private onStepStart(event: StepStartEvent): void {
    const entry = this.entry(event.stepId, event.phase, event.name);
    const step = entry.step;
    entry.started = true;
    if (!entry.open) {
      // First start, or a re-run after a failure gate said "retry": same entry, reopened.
      entry.open = true;
      step.startedAt ??= event.time;
      delete step.endedAt;
    }
    step.name = event.name;
    step.index = event.index;
    step.total = event.total;
    step.summary = event.summary;
    if (event.description !== undefined) step.description = event.description;
    if (event.group !== undefined) step.group = event.group;
    if (event.background) step.background = true;
    step.attempts = Math.max(step.attempts, event.attempt);
    this.current.set(event.stepId, entry);
    this.attachPendingGates(event.stepId, entry);
  }

  private onStepEnd(event: StepEndEvent): void {
    const entry = this.entry(event.stepId, event.phase, event.name);
    const step = entry.step;
    entry.open = false;
    this.current.set(event.stepId, entry);
    this.attachPendingGates(event.stepId, entry);
    step.name = event.name;
    step.status = event.status;
    step.endedAt = event.time;
    step.startedAt ??= event.time - event.durationMs;
    step.durationMs = event.durationMs;
    entry.endedAttempts = Math.max(entry.endedAttempts, event.attempts);
    step.attempts = entry.endedAttempts;
    step.tolerated = event.tolerated === true;
    if (event.reason !== undefined) step.reason = event.reason;
    else delete step.reason;
    if (event.saved) step.saved = { ...event.saved };
    if (event.group !== undefined) step.group = event.group;
    step.parts = (event.parts ?? []).map((part) => ({ ...part }));
    // A dry run walks a step without running it: as in a run, that step was not run.
    step.notRun =
      (!entry.started || this.start?.dryRun === true) && event.status === 'skipped' && event.attempts === 0;
    if (this.keepOutput) this.mergeJournalOutput(entry, event);
  }

  /**
   * The journal may hold only the start of a step's output as `output` events and give the
   * rest as `outputDropped` + `outputTail` on step-end. A live listener that already saw the
   * tail as events must not count it twice: when our output already ends with that tail,
   * we saw everything and ignore both fields.
   */
  private mergeJournalOutput(entry: Entry, event: StepEndEvent): void {
    const own = this.buffer(entry, '');
    const tail = event.outputTail ?? '';
    if (tail.length > 0) {
      const probe = tail.slice(-Math.min(tail.length, 4096));
      if (own.last(probe.length) === probe) return;
    }
    own.addDropped(event.outputDropped ?? 0);
    own.append(tail);
  }

  private onGateRequest(event: GateRequestEvent): void {
    const record: GateRecord = { time: event.time, kind: event.kind, message: event.message };
    this.openGate.set(event.stepId, record);
    this.attachGate(event.stepId, record, event.kind === 'failed');
  }

  private onGateDecision(event: GateDecisionEvent): void {
    let record = this.openGate.get(event.stepId);
    this.openGate.delete(event.stepId);
    if (!record) {
      record = { time: event.time };
      this.attachGate(event.stepId, record, event.decision === 'retry');
    }
    record.decision = event.decision;
    record.decidedAt = event.time;
    record.by = event.by;
    record.note = event.note;
  }

  /** A failure gate belongs to the step that just ended; a confirm gate to the next start. */
  private attachGate(stepId: string, record: GateRecord, aboutLastRun: boolean): void {
    const entry = this.current.get(stepId);
    if (entry && (entry.open || aboutLastRun)) {
      entry.step.gates.push(record);
      return;
    }
    const pending = this.pendingGates.get(stepId) ?? [];
    pending.push(record);
    this.pendingGates.set(stepId, pending);
  }

  private attachPendingGates(stepId: string, entry: Entry): void {
    const pending = this.pendingGates.get(stepId);
    if (!pending) return;
    entry.step.gates.push(...pending);
    this.pendingGates.delete(stepId);
  }

  private entry(id: string, phase: StepReport['phase'], name: string): Entry {
    const key = `${phase}:${id}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const planned = this.start?.plan.find((p) => p.id === id && p.phase === phase);
      const step: StepReport = {
        key,
        id,
        name,
        phase,
        status: 'interrupted',
        notRun: false,
        durationMs: 0,
        attempts: 0,
        tolerated: false,
        gates: [],
        retries: [],
        parts: [],
        output: [],
      };
      if (planned?.group !== undefined) step.group = planned.group;
      entry = { step, open: false, started: false, endedAttempts: 0, buffers: new Map() };
      this.entries.set(key, entry);
      this.order.push(entry);
    }
    return entry;
  }

  private buffer(entry: Entry, label: string): BoundedText {
    let buffer = entry.buffers.get(label);
    if (!buffer) {
      buffer = new BoundedText(this.headChars, this.tailChars);
      entry.buffers.set(label, buffer);
    }
    return buffer;
  }

  private finishStep(entry: Entry, endedAt: number, runReason: string | undefined): StepReport {
    const step: StepReport = {
      ...entry.step,
      gates: entry.step.gates.map((g) => ({ ...g })),
      retries: [...entry.step.retries],
      parts: [...entry.step.parts],
      output: this.outputs(entry),
    };
    if (entry.open) {
      step.status = 'interrupted';
      step.endedAt = endedAt;
      step.durationMs = Math.max(0, endedAt - (step.startedAt ?? endedAt));
      step.reason = runReason
        ? `interrupted while running: ${runReason}`
        : 'interrupted: the run stopped while this step was running';
    }
    return step;
  }

  private outputs(entry: Entry): OutputRecord[] {
    const records: OutputRecord[] = [];
    // '' (the step's own output) first, then hosts in the order they first printed.
    const own = entry.buffers.get('');
    if (own && !own.isEmpty) records.push(own.snapshot());
    for (const [label, buffer] of entry.buffers) {
      if (label !== '' && !buffer.isEmpty) records.push({ label, ...buffer.snapshot() });
    }
    return records;
  }

  private notRunSteps(runReason: string | undefined): StepReport[] {
    const plan = this.start?.plan ?? [];
    const resumed = this.start?.resumed;
    const passedBefore = new Set(resumed?.passed ?? []);
    return plan
      .filter((p) => !this.entries.has(`${p.phase}:${p.id}`))
      .map((p) => {
        const step: StepReport = {
          key: `${p.phase}:${p.id}`,
          id: p.id,
          name: p.name,
          phase: p.phase,
          status: 'skipped',
          notRun: true,
          durationMs: 0,
          attempts: 0,
          tolerated: false,
          gates: this.pendingGates.get(p.id)?.map((g) => ({ ...g })) ?? [],
          retries: [],
          parts: [],
          output: [],
          reason:
            resumed && passedBefore.has(p.id)
              ? `not run: passed in the earlier run ${resumed.from}`
              : runReason
                ? `not run: ${runReason}`
                : 'not run',
        };
        if (p.group !== undefined) step.group = p.group;
        return step;
      });
  }
}

/**
 * `continue_on_error` on a parallel group tolerates its members' failures too: the drill went
 * on, so every report must show them as tolerated, not as failures that failed nothing.
 */
function markToleratedMembers(steps: StepReport[]): void {
  for (const group of steps) {
    if (group.status !== 'failed' || !group.tolerated) continue;
    for (const member of steps)
      if (member.group === group.id && member.phase === group.phase && member.status === 'failed')
        member.tolerated = true;
  }
}
