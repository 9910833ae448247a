import { formatDuration } from '../runbook/duration.js';
import type { ActionStep, ParallelStep, Runbook, Step } from '../runbook/model.js';
import { parseTemplate, type TemplateScope } from '../runbook/template.js';
import { evaluateWhenTemplate } from '../runbook/when.js';
import { displaySummary } from './display-summary.js';
import type { RunContext } from './run-context.js';

/**
 * `--dry-run`: what a step would do, worked out without running anything and without judging
 * values only the run produces (a `save:`d var, a step's output). The command is rendered as
 * `plan` renders it: every template that can be filled before the run is, the rest stay as
 * written. Secrets stay as written too.
 */
export interface DryRunView {
  /** What the action would do, for step-start: `sh: systemctl restart gunicorn`. */
  summary: string;
  /** Lines shown under the step: the command, its gate, its `when`, its undo. */
  lines: string[];
  /** Why the step did not run, for step-end. */
  reason: string;
}

export function dryRunView(ctx: RunContext, step: ActionStep): DryRunView {
  const scope = planScope(ctx);
  const summary = ctx.redact(displaySummary(ctx.actions, step.action.type, step.action.config, scope));
  const lines = [`would run: ${summary}`];
  if (step.await) lines.push(`first waits for background step ${step.await} to end`);
  if (step.background) lines.push('in the background: later steps would start at once');
  if (step.confirm) lines.push(`gate: ${step.confirm.message} (asked at run time; nothing was approved)`);
  const when = step.when === undefined ? undefined : judgeWhen(step.when, ctx.runbook, scope);
  if (when) lines.push(`when: ${step.when}: ${when}`);
  if (step.undo)
    lines.push(
      `undo if the drill fails: ${ctx.redact(displaySummary(ctx.actions, step.undo.type, step.undo.config, scope))}`,
    );
  lines.push(`timeout ${formatDuration(step.timeout)}${step.retries > 0 ? `, retries ${step.retries}` : ''}`);
  const reason = when ? `dry run: nothing was run; when ${when}` : 'dry run: nothing was run';
  return { summary, lines: lines.map((l) => ctx.redact(l)), reason };
}

/** A parallel group in a dry run: what it is, not a verdict. */
export function dryRunGroupReason(step: ParallelStep): string {
  return `dry run: nothing was run; a parallel group of ${step.steps.length} (${step.failFast ? 'fail fast' : 'wait for all'})`;
}

/** The words for a `when:` in a dry run. */
function judgeWhen(when: string, runbook: Runbook, scope: TemplateScope): string {
  if (dependsOnRun(when, runbook)) return 'decided at run time (it depends on values the run produces)';
  try {
    return evaluateWhenTemplate(when, scope) ? 'holds now' : 'does not hold now: the step would be skipped';
  } catch {
    return 'decided at run time (a value it needs is not known before the run)';
  }
}

/** True when `when` reads a step's output or a var some step `save:`s. */
function dependsOnRun(when: string, runbook: Runbook): boolean {
  const saved = savedNames(runbook);
  try {
    return parseTemplate(when).some(
      (p) =>
        typeof p !== 'string' &&
        (p.ref.root === 'steps' || (p.ref.root === 'vars' && saved.has(p.ref.path[0] ?? ''))),
    );
  } catch {
    return true;
  }
}

function savedNames(runbook: Runbook): Set<string> {
  const names = new Set<string>();
  const visit = (steps: Step[]) => {
    for (const s of steps) {
      if (s.save) names.add(s.save);
      if (s.kind === 'parallel') visit(s.steps);
    }
  };
  visit([...runbook.steadyState, ...runbook.steps, ...runbook.finally]);
  return names;
}

/** Values known before the run: vars nobody saves, env, hosts. No secrets, no step outputs. */
function planScope(ctx: RunContext): TemplateScope {
  const saved = savedNames(ctx.runbook);
  const vars = Object.fromEntries(Object.entries(ctx.scope.vars).filter(([k]) => !saved.has(k)));
  return { vars, env: ctx.scope.env, secrets: [], hosts: ctx.scope.hosts, steps: {} };
}
