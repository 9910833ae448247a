/**
 * What a run directory's files must look like before `report` and `resume` act on them. The
 * files are drillbook's own, but a disk, a person or another tool can damage them; a damaged
 * file must end in exit 2 naming the file, line and field, never in an internal error halfway
 * through rebuilding a report or resuming a drill.
 */

import { ROLLBACK_POLICIES } from './run-settings.js';

/** The journal format this drillbook writes and the newest it reads (meta.json `format`). */
export const JOURNAL_FORMAT = 1;

/** A JSON kind, or the only strings allowed (a status, a phase). */
type Kind =
  | 'string'
  | 'number'
  | 'number-or-null'
  | 'boolean'
  | 'object'
  | 'strings'
  | 'array'
  | readonly string[];
/** Field name to kind; a `?` suffix marks a field that may be absent. */
type Shape = Record<string, Kind>;

const META: Shape = {
  'format?': 'number',
  runbook: 'string',
  digest: 'string',
  vars: 'object',
  'secretVars?': 'object',
  rollback: ROLLBACK_POLICIES,
  acceptNewHostKeys: 'boolean',
  'only?': 'strings',
  'from?': 'string',
  'skip?': 'strings',
};

const PHASES = ['steady-state-before', 'main', 'steady-state-after', 'undo', 'finally'] as const;
const STEP_STATUSES = ['passed', 'failed', 'skipped', 'interrupted'] as const;
const RUN_STATUSES = ['passed', 'failed', 'aborted', 'interrupted'] as const;

const STEP: Shape = { time: 'number', stepId: 'string' };

/** The fields the report builders and resume read, per event type. */
const EVENTS: Record<string, Shape> = {
  'run-start': {
    time: 'number',
    runId: 'string',
    runbook: 'object',
    plan: 'array',
    vars: 'object',
    'resumed?': 'object',
    'sealedVars?': 'object',
  },
  'step-start': { ...STEP, name: 'string', phase: PHASES, index: 'number', total: 'number' },
  output: { ...STEP, stream: 'string', text: 'string' },
  'gate-request': { ...STEP, kind: 'string', message: 'string' },
  'gate-decision': { ...STEP, decision: 'string', by: 'string', note: 'string' },
  'step-retry': { ...STEP, attempt: 'number', reason: 'string', delayMs: 'number' },
  'step-end': {
    ...STEP,
    name: 'string',
    phase: PHASES,
    status: STEP_STATUSES,
    durationMs: 'number',
    attempts: 'number',
    'reason?': 'string',
    'value?': 'string',
    'saved?': 'object',
    'sealed?': 'object',
    'parts?': 'array',
    'outputTail?': 'string',
    'group?': 'string',
  },
  'step-undone': { ...STEP, name: 'string', undo: STEP_STATUSES },
  'stop-tripped': { time: 'number', probeId: 'string', reason: 'string' },
  'step-observed': { ...STEP, intervalMs: 'number' },
  measures: { time: 'number', measures: 'array' },
  'run-end': { time: 'number', status: RUN_STATUSES, exitCode: 'number', 'reason?': 'string' },
};

const VERDICTS = ['met', 'missed', 'measured', 'not measured'] as const;
const MEASURE: Shape = {
  name: 'string',
  from: 'string',
  to: 'string',
  valueMs: 'number-or-null',
  resolutionMs: 'number',
  maxMs: 'number-or-null',
  verdict: VERDICTS,
  fromTime: 'number-or-null',
  toTime: 'number-or-null',
};

const PLANNED: Shape = { id: 'string', name: 'string', phase: PHASES, 'group?': 'string' };
const RUNBOOK: Shape = { name: 'string', title: 'string', file: 'string', digest: 'string' };
const SAVED: Shape = { name: 'string', value: 'string' };
const PART: Shape = {
  label: 'string',
  status: ['passed', 'failed', 'skipped'],
  durationMs: 'number',
  'reason?': 'string',
};

function isKind(value: unknown, kind: Kind): boolean {
  if (typeof kind !== 'string') return typeof value === 'string' && kind.includes(value);
  switch (kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'number-or-null':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    default:
      return typeof value === kind;
  }
}

function kindWords(kind: Kind): string {
  return typeof kind === 'string' ? KIND_WORDS[kind] : `one of ${kind.join(', ')}`;
}

const KIND_WORDS: Record<Exclude<Kind, readonly string[]>, string> = {
  string: 'a string',
  number: 'a number',
  'number-or-null': 'a number or null',
  boolean: 'true or false',
  object: 'an object',
  strings: 'a list of strings',
  array: 'a list',
};

/** The first field of `value` that does not fit `shape`, as "`field` should be ...", or undefined. */
function misfit(value: unknown, shape: Shape, prefix = ''): string | undefined {
  if (!isKind(value, 'object')) return `${prefix || 'it'} should be an object`;
  const record = value as Record<string, unknown>;
  for (const [key, kind] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    const field = record[name];
    if (optional && field === undefined) continue;
    if (!isKind(field, kind)) return `\`${prefix}${name}\` should be ${kindWords(kind)}`;
  }
  return undefined;
}

function misfitEach(values: unknown[], shape: Shape, prefix: string): string | undefined {
  for (const [i, value] of values.entries()) {
    const problem = misfit(value, shape, `${prefix}[${i}].`);
    if (problem) return problem;
  }
  return undefined;
}

/** A SealedValue: text parts and secrets by name (see sealed.ts). */
function sealedMisfit(value: unknown, prefix: string): string | undefined {
  const problem = misfit(value, { parts: 'array', 'lossy?': 'boolean' }, `${prefix}.`);
  if (problem) return problem;
  const bad = (value as { parts: unknown[] }).parts.findIndex(
    (part) =>
      typeof part !== 'string' && misfit(part, { secret: 'string', 'trimmed?': 'boolean' }) !== undefined,
  );
  return bad < 0 ? undefined : `\`${prefix}.parts[${bad}]\` should be text or a secret's name`;
}

function sealedEach(values: Record<string, unknown>, prefix: string): string | undefined {
  for (const [name, value] of Object.entries(values)) {
    const problem = sealedMisfit(value, `${prefix}.${name}`);
    if (problem) return problem;
  }
  return undefined;
}

function stringValues(value: Record<string, unknown>, prefix: string): string | undefined {
  const bad = Object.keys(value).find((key) => typeof value[key] !== 'string');
  return bad === undefined ? undefined : `\`${prefix}.${bad}\` should be a string`;
}

/** Why a run recorded by a newer drillbook cannot be read by this one, or undefined. */
export function newerFormat(meta: unknown): string | undefined {
  const format = isKind(meta, 'object') ? (meta as { format?: unknown }).format : undefined;
  if (typeof format !== 'number' || format <= JOURNAL_FORMAT) return undefined;
  return `recorded by a newer drillbook (run format ${format}; this one reads format ${JOURNAL_FORMAT} and older): use that version for report and resume`;
}

/** Why meta.json cannot be used, or undefined when it fits. */
export function metaMisfit(meta: unknown): string | undefined {
  const problem = misfit(meta, META);
  if (problem) return problem;
  const record = meta as { vars: Record<string, unknown>; secretVars?: Record<string, unknown> };
  return stringValues(record.vars, 'vars') ?? sealedEach(record.secretVars ?? {}, 'secretVars');
}

/** The nested fields checked beyond their kind. */
interface EventFields {
  saved?: unknown;
  sealed?: unknown;
  parts?: unknown;
  runbook?: unknown;
  plan?: unknown;
  vars?: unknown;
  sealedVars?: unknown;
  resumed?: unknown;
  measures?: unknown;
}

/** Why one journal line's event cannot be used, or undefined when it fits. */
export function eventMisfit(event: unknown): string | undefined {
  if (!isKind(event, 'object')) return 'an event should be an object';
  const type = (event as { type?: unknown }).type;
  const shape = typeof type === 'string' ? EVENTS[type] : undefined;
  if (!shape) return `unknown event type ${JSON.stringify(type)?.slice(0, 40) ?? 'missing'}`;
  const problem = misfit(event, shape);
  if (problem) return problem;
  const e = event as EventFields;
  if (type === 'run-start') return runStartMisfit(e);
  if (type === 'measures') return misfitEach(e.measures as unknown[], MEASURE, 'measures');
  if (type === 'step-end') {
    if (e.saved !== undefined) {
      const saved = misfit(e.saved, SAVED, 'saved.');
      if (saved) return saved;
    }
    if (e.sealed !== undefined) {
      const sealed = sealedMisfit(e.sealed, 'sealed');
      if (sealed) return sealed;
    }
    if (Array.isArray(e.parts)) return misfitEach(e.parts, PART, 'parts');
  }
  return undefined;
}

function runStartMisfit(e: EventFields): string | undefined {
  return (
    misfit(e.runbook, RUNBOOK, 'runbook.') ??
    misfitEach(e.plan as unknown[], PLANNED, 'plan') ??
    stringValues(e.vars as Record<string, unknown>, 'vars') ??
    sealedEach((e.sealedVars ?? {}) as Record<string, unknown>, 'sealedVars') ??
    (e.resumed === undefined
      ? undefined
      : misfit(e.resumed, { from: 'string', passed: 'strings' }, 'resumed.'))
  );
}
