import { DURATION_SCHEMA, type Duration } from './duration.js';

/**
 * The events a measure may start or end at:
 * - `start`: the step's action began (after its gate, if it has one);
 * - `end`: the step ended after running (passed, failed or interrupted);
 * - `pass`: the step ended and passed;
 * - `approved`: its gate was approved;
 * - `observed`: a polling step first saw its condition hold (± its poll interval).
 */
export const MEASURE_EVENT_KINDS = ['start', 'end', 'pass', 'approved', 'observed'] as const;
export type MeasureEventKind = (typeof MEASURE_EVENT_KINDS)[number];

/** `STEP.KIND` as resolved at load time: the step exists and can have that event. */
export interface MeasureEventRef {
  stepId: string;
  kind: MeasureEventKind;
}

/** One entry of the runbook's `measures:`. */
export interface MeasureSpec {
  name: string;
  from: MeasureEventRef;
  to: MeasureEventRef;
  /** The objective (e.g. an RTO); a measure over it, or never measured, fails the drill. */
  max?: Duration;
}

/** `blackhole.start` for a reference; ids may hold dots, so the kind is after the last one. */
export function refText(ref: MeasureEventRef): string {
  return `${ref.stepId}.${ref.kind}`;
}

/** Schema of `measures:`: shape only; measure-check.ts checks the references with positions. */
export const MEASURES_SCHEMA: Record<string, unknown> = {
  description:
    'Recovery times: each measure is the time between two step events (STEP.start, .end, .pass, .approved, .observed), with an optional objective max.',
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'from', 'to'],
    properties: {
      name: {
        description: 'What is measured, as reports show it (e.g. failover).',
        type: 'string',
        minLength: 1,
      },
      from: {
        description:
          'Where the measure starts: STEP.start, STEP.end, STEP.pass, STEP.approved or STEP.observed.',
        type: 'string',
        minLength: 1,
      },
      to: {
        description:
          'Where the measure ends: STEP.start, STEP.end, STEP.pass, STEP.approved or STEP.observed.',
        type: 'string',
        minLength: 1,
      },
      max: {
        ...DURATION_SCHEMA,
        description: 'The objective (RTO): a longer time, or no time at all, fails the drill.',
      },
    },
  },
};
