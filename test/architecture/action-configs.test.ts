import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { cloudWatchAlarmAction } from '../../src/actions/cloudwatch-alarm.js';
import type { confirmAction } from '../../src/actions/confirm.js';
import type { httpAction, RawJson } from '../../src/actions/http.js';
import type { route53Action } from '../../src/actions/route53.js';
import type { runAction } from '../../src/actions/run.js';
import type { sshAction } from '../../src/actions/ssh.js';
import type { ssmAction } from '../../src/actions/ssm.js';
import type { tcpAction } from '../../src/actions/tcp.js';
import type { RawWaitConfig } from '../../src/actions/wait.js';
import { ALARM_STATES } from '../../src/aws/alarm-check.js';
import { createRegistry } from '../../src/commands/registry.js';
import {
  ConfigProblem,
  type JsonSchema,
  type RawConfigOf,
  type RawDuration,
} from '../../src/plugin/contract.js';

/**
 * Each action writes its raw config shape twice: the JSON Schema the loader validates with, and
 * the one TypeScript type its `parse` takes (`RawConfigOf`). This checks, for every registered
 * action, that the two agree:
 * - keys: the type's keys, required and optional, are the schema's `properties` and `required`
 *   (the `KeySpec` below is checked against the type by tsc, and against the schema here);
 * - type → schema: values built to the type (typed arbitraries) are accepted by the schema;
 * - schema → parse: whatever the schema accepts (valid values, mutated ones, random data), parse
 *   either returns or throws a ConfigProblem, never a TypeError from a shape it did not expect.
 */

/** Every key of `T`, marked as the type declares it. An extra, missing or mis-marked key is a type error. */
type KeySpec<T extends object> = {
  [K in keyof T]-?: Record<string, never> extends Pick<T, K> ? 'optional' : 'required';
};
/** The object form of a raw config that also has a shorthand (a string, a duration). */
type LongForm<T> = Extract<T, object>;

interface KeyCheck {
  /** Where in the action's schema the object with these keys is. */
  at: (schema: JsonSchema) => JsonSchema;
  keys: Record<string, 'optional' | 'required'>;
}

interface ConfigCase<Raw> {
  valid: fc.Arbitrary<Raw>;
  keys: KeyCheck[];
}

const registry = createRegistry();
const text = fc.string({ minLength: 1, maxLength: 12 });
const rawDuration: fc.Arbitrary<RawDuration> = fc.oneof(
  fc.constantFrom('500ms', '30s', '4m', '1h30m', '2d', ' 10s '),
  fc.integer({ min: 0, max: 3600 }),
);
const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const envValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
const self = (s: JsonSchema) => s;
const sub =
  (...path: string[]) =>
  (s: JsonSchema) =>
    path.reduce<JsonSchema>((at, key) => (at as Record<string, JsonSchema>)[key] as JsonSchema, s);

const runCase: ConfigCase<RawConfigOf<typeof runAction>> = {
  valid: fc.oneof(
    text,
    fc.record(
      {
        command: text,
        env: fc.dictionary(fc.string({ maxLength: 6 }), envValue, { maxKeys: 3 }),
        cwd: fc.string({ maxLength: 6 }),
        shell: fc.constantFrom('sh' as const, 'bash' as const),
      },
      { requiredKeys: ['command'] },
    ),
  ),
  keys: [
    {
      at: sub('oneOf', '1'),
      keys: { command: 'required', env: 'optional', cwd: 'optional', shell: 'optional' } satisfies KeySpec<
        LongForm<RawConfigOf<typeof runAction>>
      >,
    },
  ],
};

const confirmCase: ConfigCase<RawConfigOf<typeof confirmAction>> = {
  valid: fc.constant({}),
  keys: [{ at: self, keys: {} satisfies KeySpec<RawConfigOf<typeof confirmAction>> }],
};

const jsonExpectation: fc.Arbitrary<RawJson> = fc.record({
  path: fc.constantFrom('$.status', '$.checks[0].state', 'status', '$..x', '$['),
  equals: fc.jsonValue(),
});
const httpCase: ConfigCase<RawConfigOf<typeof httpAction>> = {
  valid: fc.oneof(
    fc.constantFrom(
      'http://127.0.0.1:1/health',
      'https://example.test',
      'htp://x',
      'not a url',
      '{{ vars.url }}',
    ),
    fc.record(
      {
        url: fc.constantFrom('http://127.0.0.1:1/', 'ftp://x', 'x', '{{ vars.url }}/h'),
        method: fc.stringMatching(/^[A-Za-z]{1,7}$/),
        headers: fc.dictionary(fc.string({ maxLength: 6 }), envValue, { maxKeys: 3 }),
        body: fc.oneof(
          fc.string(),
          fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }),
          fc.array(fc.jsonValue(), { maxLength: 2 }),
        ),
        timeout: rawDuration,
        expect: fc.record(
          {
            status: fc.oneof(
              fc.integer({ min: 100, max: 599 }),
              fc.array(fc.integer({ min: 100, max: 599 }), { minLength: 1, maxLength: 3 }),
            ),
            body_contains: fc.string({ maxLength: 6 }),
            json: fc.oneof(jsonExpectation, fc.array(jsonExpectation, { minLength: 1, maxLength: 2 })),
          },
          { requiredKeys: [] },
        ),
        within: rawDuration,
        interval: rawDuration,
      },
      { requiredKeys: ['url'] },
    ),
  ),
  keys: [
    {
      at: sub('else'),
      keys: {
        url: 'required',
        method: 'optional',
        headers: 'optional',
        body: 'optional',
        timeout: 'optional',
        expect: 'optional',
        within: 'optional',
        interval: 'optional',
      } satisfies KeySpec<LongForm<RawConfigOf<typeof httpAction>>>,
    },
    {
      at: sub('else', 'properties', 'expect'),
      keys: { status: 'optional', body_contains: 'optional', json: 'optional' } satisfies KeySpec<
        NonNullable<LongForm<RawConfigOf<typeof httpAction>>['expect']>
      >,
    },
  ],
};

const tcpCase: ConfigCase<RawConfigOf<typeof tcpAction>> = {
  valid: fc.record(
    {
      host: text,
      port: fc.oneof(
        fc.integer({ min: 1, max: 65535 }),
        fc.constantFrom('22', '{{ vars.port }}', 'http', '70000'),
      ),
      within: rawDuration,
    },
    { requiredKeys: ['host', 'port'] },
  ),
  keys: [
    {
      at: self,
      keys: { host: 'required', port: 'required', within: 'optional' } satisfies KeySpec<
        RawConfigOf<typeof tcpAction>
      >,
    },
  ],
};

const waitCase: ConfigCase<RawWaitConfig> = {
  valid: fc.oneof(
    rawDuration,
    fc.record(
      {
        for: rawDuration,
        until: fc.oneof(
          tcpCase.valid.map((tcp) => ({ tcp })),
          runCase.valid.map((run) => ({ run })),
          httpCase.valid.map((http) => ({ http })),
        ),
        within: rawDuration,
        interval: rawDuration,
      },
      { requiredKeys: [] },
    ),
  ),
  keys: [
    {
      at: sub('then'),
      keys: {
        for: 'optional',
        until: 'optional',
        within: 'optional',
        interval: 'optional',
      } satisfies KeySpec<LongForm<RawWaitConfig>>,
    },
  ],
};

const sshCase: ConfigCase<RawConfigOf<typeof sshAction>> = {
  valid: fc.record(
    {
      host: fc.oneof(text, fc.uniqueArray(text, { minLength: 1, maxLength: 3 })),
      run: text,
      upload: fc.record(
        { from: text, to: text, exclude: fc.array(text, { maxLength: 2 }) },
        { requiredKeys: ['from', 'to'] },
      ),
      sudo: fc.boolean(),
      env: fc.dictionary(envName, envValue, { maxKeys: 3 }),
      concurrency: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constantFrom('1%', '25%', '100%')),
      max_errors: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom('0%', '5%', '100%')),
      batches: fc.array(fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom('10%', '100%')), {
        minLength: 1,
        maxLength: 3,
      }),
    },
    { requiredKeys: ['host'] },
  ),
  keys: [
    {
      at: self,
      keys: {
        host: 'required',
        run: 'optional',
        upload: 'optional',
        sudo: 'optional',
        env: 'optional',
        concurrency: 'optional',
        max_errors: 'optional',
        batches: 'optional',
      } satisfies KeySpec<RawConfigOf<typeof sshAction>>,
    },
    {
      at: sub('properties', 'upload'),
      keys: { from: 'required', to: 'required', exclude: 'optional' } satisfies KeySpec<
        NonNullable<RawConfigOf<typeof sshAction>['upload']>
      >,
    },
  ],
};

const alarmState = fc.constantFrom(...ALARM_STATES);
const alarmCase: ConfigCase<RawConfigOf<typeof cloudWatchAlarmAction>> = {
  valid: fc.record(
    {
      names: fc.array(text, { minLength: 1, maxLength: 3 }),
      prefix: text,
      state: alarmState,
      within: rawDuration,
      interval: rawDuration,
      set_state: fc.record({ state: alarmState, reason: text }, { requiredKeys: ['state'] }),
    },
    { requiredKeys: ['state'] },
  ),
  keys: [
    {
      at: self,
      keys: {
        names: 'optional',
        prefix: 'optional',
        state: 'required',
        within: 'optional',
        interval: 'optional',
        set_state: 'optional',
      } satisfies KeySpec<RawConfigOf<typeof cloudWatchAlarmAction>>,
    },
    {
      at: sub('properties', 'set_state'),
      keys: { state: 'required', reason: 'optional' } satisfies KeySpec<
        NonNullable<RawConfigOf<typeof cloudWatchAlarmAction>['set_state']>
      >,
    },
  ],
};

const route53Case: ConfigCase<RawConfigOf<typeof route53Action>> = {
  valid: fc.record(
    {
      zone_id: text,
      record: text,
      type: text,
      expect: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 2 })),
      health_check: fc.record({
        id: text,
        status: fc.constantFrom('Healthy' as const, 'Unhealthy' as const),
      }),
      failover: fc.constantFrom('PRIMARY' as const, 'SECONDARY' as const),
      within: rawDuration,
      interval: rawDuration,
    },
    { requiredKeys: [] },
  ),
  keys: [
    {
      at: self,
      keys: {
        zone_id: 'optional',
        record: 'optional',
        type: 'optional',
        expect: 'optional',
        health_check: 'optional',
        failover: 'optional',
        within: 'optional',
        interval: 'optional',
      } satisfies KeySpec<RawConfigOf<typeof route53Action>>,
    },
    {
      at: sub('properties', 'health_check'),
      keys: { id: 'required', status: 'required' } satisfies KeySpec<
        NonNullable<RawConfigOf<typeof route53Action>['health_check']>
      >,
    },
  ],
};

const ssmCase: ConfigCase<RawConfigOf<typeof ssmAction>> = {
  valid: fc.record(
    {
      instance_ids: fc.uniqueArray(text, { minLength: 1, maxLength: 3 }),
      tags: fc.dictionary(envName, text, { minKeys: 1, maxKeys: 3 }),
      document: text,
      commands: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })),
      parameters: fc.dictionary(
        envName,
        fc.oneof(text, fc.integer(), fc.boolean(), fc.array(text, { minLength: 1, maxLength: 2 })),
        { maxKeys: 2 },
      ),
      max_concurrency: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom('10', '25%', 'x')),
      max_errors: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom('0', '10%', 'y')),
      within: rawDuration,
      interval: rawDuration,
      comment: text,
    },
    { requiredKeys: [] },
  ),
  keys: [
    {
      at: self,
      keys: {
        instance_ids: 'optional',
        tags: 'optional',
        document: 'optional',
        commands: 'optional',
        parameters: 'optional',
        max_concurrency: 'optional',
        max_errors: 'optional',
        within: 'optional',
        interval: 'optional',
        comment: 'optional',
      } satisfies KeySpec<RawConfigOf<typeof ssmAction>>,
    },
  ],
};

/** One case per registered action: a new action without one fails the first test below. */
const CASES: Record<string, ConfigCase<unknown>> = {
  run: runCase,
  confirm: confirmCase,
  http: httpCase,
  wait: waitCase,
  ssh: sshCase,
  cloudwatch_alarm: alarmCase,
  route53: route53Case,
  tcp: tcpCase,
  ssm: ssmCase,
};

/** The loader's options (src/runbook/schema-cache.ts), on the action's schema alone. */
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
function validator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(registry.get(name)?.schema ?? {});
    validators.set(name, validate);
  }
  return validate;
}

/** Undefined when parse returned or refused with a ConfigProblem; else what it threw. */
function unexpectedThrow(name: string, raw: unknown): unknown {
  try {
    registry.get(name)?.parse(raw);
    return undefined;
  } catch (error) {
    return error instanceof ConfigProblem ? undefined : error;
  }
}

/** Any JSON-like value, weighted to the shapes a schema types a field as. */
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 2 }),
);

/** A valid value with one change: a key dropped, added, or given another value of any shape. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), fc.string({ maxLength: 6 }), anyValue).map(([v, pick, key, any]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return any;
    const copy: Record<string, unknown> = { ...v };
    const keys = Object.keys(copy);
    const target = keys.length > 0 ? (keys[pick % keys.length] as string) : key;
    if (pick % 4 === 0) delete copy[target];
    else if (pick % 4 === 1) copy[key] = any;
    else copy[target] = any;
    return copy;
  });
}

describe('each action owns one raw config type, checked against its schema', () => {
  it('has a case for every registered action', () => {
    expect(Object.keys(CASES).sort()).toEqual([...registry.keys()].sort());
  });

  describe.each(Object.entries(CASES))('%s', (name, c) => {
    it('declares the same keys, required and optional, as its raw type', () => {
      const schema = registry.get(name)?.schema ?? {};
      for (const { at, keys } of c.keys) {
        const object = at(schema);
        const properties = Object.keys((object['properties'] as object | undefined) ?? {}).sort();
        expect(properties).toEqual(Object.keys(keys).sort());
        const required = [...((object['required'] as string[] | undefined) ?? [])].sort();
        expect(required).toEqual(
          Object.keys(keys)
            .filter((k) => keys[k] === 'required')
            .sort(),
        );
      }
    });

    it('accepts every value of its raw type, and parse takes it without a crash', () => {
      fc.assert(
        fc.property(c.valid, (raw) => {
          const validate = validator(name);
          expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
          expect(unexpectedThrow(name, raw)).toBeUndefined();
        }),
        { numRuns: 150 },
      );
    });

    it('parse never crashes on what the schema accepts (mutated and random values)', () => {
      fc.assert(
        fc.property(fc.oneof({ arbitrary: mutated(c.valid), weight: 4 }, fc.anything()), (raw) => {
          if (!validator(name)(raw)) return;
          expect(unexpectedThrow(name, raw)).toBeUndefined();
        }),
        { numRuns: 1000 },
      );
    });
  });
});
