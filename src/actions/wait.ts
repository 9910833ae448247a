import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ActionDefinition,
  ActionRegistry,
  ActionResult,
  JsonSchema,
  RawDuration,
} from '../plugin/contract.js';
import { ConfigProblem } from '../plugin/contract.js';
import { pollUntil } from '../plugin/poll.js';
import {
  DURATION_SCHEMA,
  type Duration,
  formatDuration,
  POLL_INTERVAL,
  toDuration,
} from '../runbook/duration.js';
import { renderLater } from '../runbook/template.js';
import { durationAt } from './duration-field.js';

export type WaitConfig =
  | { kind: 'sleep'; ms: Duration }
  | {
      kind: 'until';
      /** Parsed config of the nested action, rendered when it runs (see `renderLater`). */
      until: { type: string; config: unknown };
      within: Duration;
      interval: Duration;
    };

/**
 * `wait:` as written: a duration, or the long form. The one type its schema describes;
 * `until:` holds one action call whose own schema (and raw type) is that action's.
 */
export type RawWaitConfig =
  | RawDuration
  | { for?: RawDuration; until?: Record<string, unknown>; within?: RawDuration; interval?: RawDuration };

const DEFAULT_INTERVAL = toDuration(2000);
/** Actions that cannot be the condition of a wait. */
const NOT_PROBES = new Set(['wait', 'confirm']);
const duration = DURATION_SCHEMA;

/**
 * `wait:` sleep for a duration, or until another action (a probe) succeeds. `lookup` gives the
 * registry this action is part of (called only after it is complete), for the nested probe.
 */
export function createWaitAction(lookup: () => ActionRegistry): ActionDefinition<WaitConfig, RawWaitConfig> {
  return {
    name: 'wait',
    description: 'Wait until a probe (run, http, ...) succeeds, polling every `every` until `timeout`.',
    // A getter: the nested probe schemas come from the registry, complete only after it is built.
    // `if`/`else` rather than `oneOf` so ajv reports the errors of the form the author wrote;
    // which keys go together (for vs until + within) is checked in `parse`, with clearer words.
    get schema(): JsonSchema {
      return {
        type: ['string', 'number', 'object'],
        if: { type: 'object' },
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
        then: {
          additionalProperties: false,
          properties: { for: duration, until: probeSchema(lookup()), within: duration, interval: duration },
        },
        else: duration,
      };
    },
    parse(r): WaitConfig {
      if (typeof r === 'string' || typeof r === 'number')
        return { kind: 'sleep', ms: durationAt(r, '') ?? toDuration(0) };
      if (r.until === undefined) {
        if (r.for === undefined) {
          throw new ConfigProblem(
            '',
            'wait needs for: or until:',
            'e.g. wait: 30s, or wait: { until: { http: ... }, within: 5m }',
          );
        }
        const extra = r.within !== undefined ? 'within' : r.interval !== undefined ? 'interval' : undefined;
        if (extra)
          throw new ConfigProblem(extra, `${extra}: only goes with until:`, 'wait: { for: 30s } just sleeps');
        return { kind: 'sleep', ms: durationAt(r.for, 'for') ?? toDuration(0) };
      }
      if (r.for !== undefined) {
        throw new ConfigProblem('for', 'use either for: (sleep) or until: (poll), not both');
      }
      if (r.within === undefined) {
        throw new ConfigProblem('', 'until: needs within: (how long to keep trying)', 'e.g. within: 5m');
      }
      return {
        kind: 'until',
        until: parseProbe(lookup(), r.until),
        within: durationAt(r.within, 'within') ?? toDuration(0),
        interval: durationAt(r.interval, 'interval', POLL_INTERVAL) ?? DEFAULT_INTERVAL,
      };
    },
    polls: (c) => c.kind === 'until',
    summary(c) {
      if (c.kind === 'sleep') return `wait ${formatDuration(c.ms)}`;
      const nested = lookup().get(c.until.type);
      return `wait up to ${formatDuration(c.within)} until ${nested ? nested.summary(c.until.config) : c.until.type}`;
    },
    async run(c, ctx): Promise<ActionResult> {
      const started = Date.now();
      if (c.kind === 'sleep') {
        ctx.output('info', `waiting ${formatDuration(c.ms)}\n`);
        try {
          await sleep(c.ms, undefined, { signal: ctx.signal });
          return { ok: true };
        } catch {
          return {
            ok: false,
            reason: `wait stopped after ${formatDuration(Date.now() - started)}: ${stopReason(ctx.signal)}`,
          };
        }
      }
      let output: string | undefined;
      let outcome: Awaited<ReturnType<typeof pollUntil>> | undefined;
      try {
        outcome = await pollUntil(
          async () => {
            const result = await ctx.probe(c.until);
            output = result.output;
            return result.ok ? { ok: true, detail: '' } : { ok: false, detail: result.reason };
          },
          {
            within: c.within,
            interval: c.interval,
            signal: ctx.signal,
            onRetry: (detail) => ctx.output('info', `not yet: ${detail}\n`),
            observed: ctx.observed,
          },
        );
      } catch (error) {
        if (!ctx.signal.aborted) throw error;
      }
      if (outcome?.ok) return output === undefined ? { ok: true } : { ok: true, output };
      const elapsed = formatDuration(Date.now() - started);
      if (!outcome || ctx.signal.aborted)
        return { ok: false, reason: `wait stopped after ${elapsed}: ${stopReason(ctx.signal)}` };
      const tries = `${outcome.tries} ${outcome.tries === 1 ? 'try' : 'tries'}`;
      return {
        ok: false,
        reason: `condition did not hold within ${formatDuration(c.within)} (${tries} in ${elapsed}); last: ${outcome.detail}`,
      };
    },
  };
}

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

/** `until:` holds exactly one action call, keyed by the action's name. */
function probeSchema(actions: ActionRegistry): JsonSchema {
  const properties = Object.fromEntries(
    [...actions.values()].filter((a) => !NOT_PROBES.has(a.name)).map((a) => [a.name, a.schema]),
  );
  return { type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1, properties };
}

function parseProbe(
  actions: ActionRegistry,
  raw: Record<string, unknown>,
): { type: string; config: unknown } {
  const keys = Object.keys(raw);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined) {
    throw new ConfigProblem(
      'until',
      `until: holds exactly one action, found ${keys.length}`,
      'e.g. until: { http: ... }',
    );
  }
  const def = actions.get(type);
  if (!def || NOT_PROBES.has(type)) {
    const usable = [...actions.keys()].filter((k) => !NOT_PROBES.has(k)).join(', ');
    throw new ConfigProblem(`until.${type}`, `"${type}" cannot be waited on`, `use one of: ${usable}`);
  }
  try {
    return renderLater({ type, config: def.parse(raw[type]) });
  } catch (error) {
    if (!(error instanceof ConfigProblem)) throw error;
    const path = error.path ? `until.${type}.${error.path}` : `until.${type}`;
    throw new ConfigProblem(path, error.message, error.hint);
  }
}
