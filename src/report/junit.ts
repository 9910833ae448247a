import { cutNote, describeGate, describeRetry, displayName, groupDigits } from './describe.js';
import { measureCases, measureProperties } from './junit-measures.js';
import { actionTimeMs, failureTail, gateWaitMs, type JunitSection, sectionOf } from './junit-parts.js';
import type { OutputRecord, RunReport, StepReport } from './report-model.js';
import { describeVerdictStep, isSkippedGate, verdictOf } from './verdict.js';
import { escapeAttr, escapeText, firstLine } from './xml-text.js';

export { writeReportFile } from './write-file.js';

/**
 * JUnit XML for Jenkins, valid against the xunit-plugin schema (shared/junit/jenkins-junit.xsd).
 *
 * Written by hand rather than with an XML library: the schema needs five elements, and the
 * hard parts (ANSI, characters XML forbids, lone surrogates, size) are ours to solve either
 * way. Everything is escaped as text (no CDATA), so `]]>` in output is harmless.
 *
 * Mapping:
 * - one `<testsuite name=runbook>`; one `<testcase classname=runbook.section name=step>` per
 *   step in the order steps started (section: steady_state, main, undo, finally; run-level
 *   cases such as stop conditions are `runbook.drill`), then steps that never started (`<skipped message="not run: ...">`).
 *   Undo and steady-state entries are named `Undo: X`, `Steady state (before): X` (as the
 *   engine names them); a repeated name gets ` (2)` so Jenkins does not merge two testcases.
 * - an ssh fan-out step becomes one testcase per host, `step [host]`; if the step failed
 *   while every host passed, the step also gets its own failing testcase. A `parallel`
 *   group is reported through its members (it gets a testcase only if it failed while no
 *   member did), so one failure is never counted twice.
 * - failed -> `<failure type="failed">` (`gate-refused` when a gate refused it), interrupted
 *   -> `<failure type="interrupted">`; message = first line of the reason, body = all of it.
 *   The body also ends with the last lines of the step's output (already redacted upstream).
 *   A failure tolerated by `continue_on_error` is `<failure type="tolerated">`: the exit code
 *   stays 0, but Jenkins marks the build UNSTABLE instead of green, so a failed restore is seen.
 * - a gated step whose gate was skipped (a person pressed `s`, or `on_timeout: skip`) is
 *   `<skipped message="gate skipped: ...; the step never ran">`.
 * - the run's outcome: each tripped stop condition is a failing testcase
 *   `stop condition: <probe>`; when the run did not pass but no testcase failed (e.g. aborted
 *   between steps), a failing testcase `drill outcome` carries the run's reason. The suite's
 *   `<system-err>` always states a non-passing outcome; `<properties>` hold run id, status,
 *   exit code, reason and every gate decision (the schema allows properties on suites only).
 * - measures (`measures:`): a `drillbook.measure.<name>` property each, and a testcase per
 *   measure with a `max` (classname `runbook.measures`, time = the measured time) failing
 *   with "RTO <name> 6m01s > 5m" when missed or not measured (see junit-measures.ts).
 * - testcase `time` is the action's own time: gate waits are taken out and reported as
 *   `drillbook.gate.<key>.waitSeconds` properties, one per gate.
 * - system-out: gate decisions, retries, saved value, then output (head, a note of what was
 *   cut, tail), bounded per testcase and for the whole file.
 */
export interface JunitOptions {
  /** Characters of system-out per testcase. */
  maxCaseOutputChars?: number;
  /** Characters of system-out across all testcases: large runs get less per testcase. */
  maxTotalOutputChars?: number;
}

interface Outcome {
  kind: 'failure' | 'skipped';
  message: string;
  type?: string;
  body?: string;
}

interface Case {
  section: JunitSection;
  name: string;
  timeMs: number;
  outcome?: Outcome;
  out: string;
}

const DEFAULT_CASE_CHARS = 160 * 1024;
const DEFAULT_TOTAL_CHARS = 8 * 1024 * 1024;

export function renderJunit(report: RunReport, options: JunitOptions = {}): string {
  const fromSteps = report.steps.filter((step) => !isRepeatedGroup(step, report.steps)).flatMap(stepCases);
  const measures = measureCases(report);
  // A tolerated failure does not explain a drill that did not pass; a failing measure
  // explains it only when it is the run's reason (an abort is still said on its own).
  const stepFailed =
    fromSteps.some((c) => c.outcome?.kind === 'failure' && c.outcome.type !== 'tolerated') ||
    measures.some((c) => c.outcome !== undefined && report.reason?.includes(c.outcome.message) === true);
  const cases = uniqueNames([...fromSteps, ...measures, ...runCases(report, stepFailed)]);
  const perCase = Math.min(
    options.maxCaseOutputChars ?? DEFAULT_CASE_CHARS,
    Math.floor((options.maxTotalOutputChars ?? DEFAULT_TOTAL_CHARS) / Math.max(1, cases.length)),
  );
  const suite = report.runbook.name;
  const failures = cases.filter((c) => c.outcome?.kind === 'failure').length;
  const skipped = cases.filter((c) => c.outcome?.kind === 'skipped').length;
  const time = seconds(report.durationMs);

  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(suite)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time}">`,
    `  <testsuite name="${escapeAttr(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${timestamp(report.startedAt)}">`,
    renderProperties(report),
  ];
  for (const c of cases) lines.push(renderCase(suite, c, perCase));
  const other = report.otherOutput ? outputText(report.otherOutput, false) : '';
  if (other !== '') lines.push(`    <system-out>${escapeText(bound(other, perCase))}</system-out>`);
  if (report.status !== 'passed' || verdictOf(report).headline !== 'passed')
    lines.push(`    <system-err>${escapeText(runSummary(report))}</system-err>`);
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function stepCases(step: StepReport): Case[] {
  const name = displayName(step);
  const section = sectionOf(step.phase);
  const log = stepLog(step);
  const outcome = withOutputTail(stepOutcome(step), step.output);
  const timeMs = actionTimeMs(step);
  if (step.parts.length === 0) {
    return [{ section, name, timeMs, ...withOutcome(outcome), out: log + outputs(step.output, true) }];
  }
  const own = step.output.filter((o) => o.label === undefined);
  const cases: Case[] = step.parts.map((part, i) => {
    const mine = step.output.filter((o) => o.label === part.label);
    let partOutcome: Outcome | undefined;
    if (part.status === 'skipped')
      partOutcome = { kind: 'skipped', message: firstLine(part.reason ?? 'not started') };
    if (part.status === 'failed') {
      const reason = part.reason ?? `failed on ${part.label}`;
      partOutcome = withOutputTail(
        step.tolerated
          ? toleratedOutcome(reason)
          : { kind: 'failure', type: 'failed', message: firstLine(reason), body: reason },
        mine,
      );
    }
    // The step's own (unlabelled) output goes with the first host only, not repeated.
    const text = outputs(i === 0 ? [...own, ...mine] : mine, false);
    return {
      section,
      name: `${name} [${part.label}]`,
      timeMs: part.durationMs,
      ...withOutcome(partOutcome),
      out: log + text,
    };
  });
  // A step that failed with no failed part (stopped before any host failed) still fails.
  if (outcome?.kind === 'failure' && !step.parts.some((p) => p.status === 'failed')) {
    cases.push({ section, name, timeMs, outcome, out: log });
  }
  return cases;
}

/**
 * A `parallel` group's outcome is its members' outcomes: its own testcase would count the
 * same failure twice. It keeps one only when it failed with no failing member to show it.
 */
function isRepeatedGroup(step: StepReport, steps: StepReport[]): boolean {
  const members = steps.filter((s) => s.group === step.id && s.phase === step.phase);
  if (members.length === 0) return false;
  const broken = (s: StepReport) => stepOutcome(s)?.kind === 'failure';
  return !broken(step) || members.some(broken);
}

function stepOutcome(step: StepReport): Outcome | undefined {
  const reason = step.reason ?? step.status;
  switch (step.status) {
    case 'passed':
      return undefined;
    case 'skipped':
      return {
        kind: 'skipped',
        message: firstLine(isSkippedGate(step) ? `gate skipped: ${reason}; the step never ran` : reason),
      };
    case 'interrupted':
      return { kind: 'failure', type: 'interrupted', message: firstLine(reason), body: reason };
    case 'failed': {
      if (step.tolerated) return toleratedOutcome(reason);
      const refused = step.gates.some((g) => g.kind === 'confirm' && g.decision === 'refused');
      return {
        kind: 'failure',
        type: refused ? 'gate-refused' : isSkippedGate(step) ? 'gate-skipped' : 'failed',
        message: firstLine(reason),
        body: reason,
      };
    }
  }
}

/** A failure's body: its reason, then the last lines the step printed. */
function withOutputTail(outcome: Outcome | undefined, records: OutputRecord[]): Outcome | undefined {
  if (outcome?.kind !== 'failure') return outcome;
  const tail = failureTail(records);
  return tail === '' ? outcome : { ...outcome, body: `${outcome.body ?? outcome.message}${tail}` };
}

/** Jenkins counts it as a failure (UNSTABLE); the type and message say the drill went on. */
function toleratedOutcome(reason: string): Outcome {
  return {
    kind: 'failure',
    type: 'tolerated',
    message: firstLine(`tolerated (continue_on_error): ${reason}`),
    body: `FAILED but tolerated (continue_on_error); the drill went on.\n${reason}`,
  };
}

/** The lines before a step's output: what a reader of the Jenkins page needs to know. */
function stepLog(step: StepReport): string {
  const lines: string[] = [];
  if (step.status === 'failed' && step.tolerated) {
    lines.push('FAILED but tolerated (continue_on_error); the drill went on');
  }
  const attempts =
    step.attempts === 1 ? ', 1 attempt' : step.attempts > 1 ? `, ${step.attempts} attempts` : '';
  const group = step.group ? `, group ${step.group}` : '';
  lines.push(`step ${step.id} (${step.phase}${group}): ${step.notRun ? 'not run' : step.status}${attempts}`);
  if (step.summary) lines.push(`does: ${step.summary}`);
  if (step.reason && step.status !== 'passed') lines.push(`reason: ${step.reason}`);
  if (step.undone)
    lines.push(`UNDONE during rollback (its undo ${step.undone.status}); resume runs it again`);
  for (const gate of step.gates) lines.push(describeGate(gate));
  for (const retry of step.retries) lines.push(describeRetry(retry));
  if (step.saved) lines.push(`saved ${step.saved.name} = ${step.saved.value}`);
  return `${lines.join('\n')}\n`;
}

function outputs(records: OutputRecord[], withLabels: boolean): string {
  return records.map((r) => outputText(r, withLabels)).join('');
}

function outputText(record: OutputRecord, withLabel: boolean): string {
  const total = groupDigits(record.totalBytes);
  const header =
    withLabel && record.label !== undefined ? `--- output from ${record.label} ---` : '--- output ---';
  const cut =
    record.droppedBytes > 0
      ? cutNote(record.droppedBytes, `the report keeps the start and end of ${total} bytes`)
      : '';
  const body = `${record.head}${cut}${record.tail}`;
  return `${header}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
}

function runCases(report: RunReport, stepFailed: boolean): Case[] {
  const cases: Case[] = report.stopTripped.map((stop) => ({
    section: 'drill',
    name: `stop condition: ${stop.probeId}`,
    timeMs: 0,
    outcome: { kind: 'failure', type: 'stop-condition', message: firstLine(stop.reason), body: stop.reason },
    out: `stop condition ${stop.probeId} tripped at ${new Date(stop.time).toISOString()}: ${stop.reason}\n`,
  }));
  if (report.status !== 'passed' && cases.length === 0 && !stepFailed) {
    const reason = report.reason ?? `the drill ${report.status}`;
    cases.push({
      section: 'drill',
      name: 'drill outcome',
      timeMs: 0,
      outcome: { kind: 'failure', type: report.status, message: firstLine(reason), body: reason },
      out: runSummary(report),
    });
  }
  return cases;
}

function runSummary(report: RunReport): string {
  const exit = report.exitCode === null ? 'no exit code: the run never finished' : `exit ${report.exitCode}`;
  const verdict = verdictOf(report);
  const lines = [`drill ${verdict.headline} (${exit})${report.reason ? `: ${report.reason}` : ''}`];
  for (const stop of report.stopTripped) lines.push(`stop condition ${stop.probeId} tripped: ${stop.reason}`);
  for (const step of verdict.tolerated) lines.push(`tolerated failure: ${describeVerdictStep(step)}`);
  for (const step of verdict.skippedGates)
    lines.push(`skipped gate, never ran: ${describeVerdictStep(step)}`);
  return `${lines.join('\n')}\n`;
}

function renderProperties(report: RunReport): string {
  const props: Array<[string, string]> = [
    ['drillbook.runId', report.runId],
    ['drillbook.runbook.title', report.runbook.title],
    ['drillbook.runbook.file', report.runbook.file],
    ['drillbook.runbook.digest', report.runbook.digest],
    ['drillbook.status', report.status],
    ['drillbook.verdict', verdictOf(report).headline],
    ['drillbook.exitCode', report.exitCode === null ? '' : String(report.exitCode)],
  ];
  if (report.reason) props.push(['drillbook.reason', report.reason]);
  if (report.resumed) props.push(['drillbook.resumedFrom', report.resumed.from]);
  props.push(...measureProperties(report));
  for (const step of report.steps) {
    // A background step's testcase time is its duration; when it ran, around later steps, is here.
    if (step.background)
      props.push([
        `drillbook.background.${step.key}`,
        `${step.status}, ${step.startedAt === undefined ? '?' : new Date(step.startedAt).toISOString()} to ${step.endedAt === undefined ? '?' : new Date(step.endedAt).toISOString()}`,
      ]);
    step.gates.forEach((gate, i) => {
      const key = `drillbook.gate.${step.key}${i === 0 ? '' : `.${i + 1}`}`;
      props.push([key, describeGate(gate)]);
      props.push([`${key}.waitSeconds`, seconds(gateWaitMs(gate, step))]);
    });
  }
  const body = props.map(([n, v]) => `      <property name="${escapeAttr(n)}" value="${escapeAttr(v)}"/>`);
  return ['    <properties>', ...body, '    </properties>'].join('\n');
}

function renderCase(suite: string, c: Case, maxOut: number): string {
  const classname = `${suite}.${c.section}`;
  const open = `    <testcase classname="${escapeAttr(classname)}" name="${escapeAttr(c.name)}" time="${seconds(c.timeMs)}">`;
  const parts = [open];
  const o = c.outcome;
  if (o?.kind === 'skipped') parts.push(`      <skipped message="${escapeAttr(o.message)}"/>`);
  if (o?.kind === 'failure') {
    const body = escapeText(bound(o.body ?? o.message, maxOut));
    parts.push(
      `      <failure message="${escapeAttr(o.message)}" type="${escapeAttr(o.type ?? 'failed')}">${body}</failure>`,
    );
  }
  if (c.out !== '') parts.push(`      <system-out>${escapeText(bound(c.out, maxOut))}</system-out>`);
  parts.push('    </testcase>');
  return parts.join('\n');
}

/** Keeps the start and end of text longer than `max` characters, saying what was cut. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  const cutBytes = Buffer.byteLength(text.slice(half, text.length - half), 'utf8');
  return `${text.slice(0, half)}${cutNote(cutBytes, 'the JUnit file is kept small; the JSON report and journal hold more')}${text.slice(text.length - half)}`;
}

function withOutcome(outcome: Outcome | undefined): { outcome?: Outcome } {
  return outcome ? { outcome } : {};
}

/** Jenkins keys results by classname + name: a repeated name would merge two testcases. */
function uniqueNames(cases: Case[]): Case[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c : { ...c, name: `${c.name} (${n})` };
  });
}

/** Seconds with millisecond precision, never negative or exponential (SUREFIRE_TIME). */
function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

/** Ant's format (`2025-01-02T03:04:05`), in UTC. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
