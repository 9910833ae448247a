import { AWS_SETTINGS, awsSpec } from '../aws/block.js';
import { AWS_SECRET_VARS } from '../aws/settings.js';
import { runSsmCommand } from '../aws/ssm-run.js';
import {
  DEFAULT_DOCUMENT,
  describeTargets,
  MAX_CONCURRENCY_PATTERN,
  MAX_ERRORS_PATTERN,
  type SsmCommandSpec,
  type SsmTargets,
} from '../aws/ssm-spec.js';
import { type ActionDefinition, ConfigProblem } from '../plugin/contract.js';
import { DURATION_SCHEMA, formatDuration, POLL_INTERVAL, toDuration } from '../runbook/duration.js';
import { durationAt } from './duration-field.js';

const DEFAULT_INTERVAL = toDuration(2000);
const SSM_COUNT = {
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', minLength: 1 },
  ],
};
const STRINGS = { type: 'array', minItems: 1, items: { type: 'string' } };

/** `ssm:` as written; the one type its schema below describes. */
export interface RawSsmConfig {
  instance_ids?: string[];
  tags?: Record<string, string>;
  document?: string;
  commands?: string | string[];
  parameters?: Record<string, string | number | boolean | string[]>;
  max_concurrency?: string | number;
  max_errors?: string | number;
  within?: string | number;
  interval?: string | number;
  comment?: string;
}

/**
 * `ssm:` AWS Systems Manager Run Command: sends `commands` (AWS-RunShellScript by default)
 * to instances by id or by tags, waits for every invocation, one result per instance. The
 * work lives in src/aws/ssm-*.ts; the SDK loads inside run().
 */
export const ssmAction: ActionDefinition<SsmCommandSpec, RawSsmConfig> = {
  name: 'ssm',
  description:
    'Run shell lines on EC2 instances through AWS Systems Manager Run Command (by instance_ids or tags); one result per instance.',
  secrets: AWS_SECRET_VARS,
  settings: AWS_SETTINGS,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      instance_ids: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        items: { type: 'string', minLength: 1 },
        description: 'Managed instances to run on (at most 50, as SendCommand takes).',
      },
      tags: {
        type: 'object',
        minProperties: 1,
        maxProperties: 5,
        additionalProperties: { type: 'string', minLength: 1 },
        description: 'Run on every instance carrying all these tags, e.g. { Role: bookstore-api }.',
      },
      document: { type: 'string', minLength: 1, description: `SSM document (default ${DEFAULT_DOCUMENT}).` },
      commands: {
        oneOf: [{ type: 'string', minLength: 1 }, STRINGS],
        description: 'Shell lines for AWS-RunShellScript; templates in them are values, never script text.',
      },
      parameters: {
        type: 'object',
        additionalProperties: { oneOf: [{ type: ['string', 'number', 'boolean'] }, STRINGS] },
        description:
          'Other document parameters, e.g. { workingDirectory: /srv/app, executionTimeout: "600" }.',
      },
      max_concurrency: {
        ...SSM_COUNT,
        description: 'SSM MaxConcurrency: instances at once, e.g. 10 or 25%.',
      },
      max_errors: {
        ...SSM_COUNT,
        description: 'SSM MaxErrors: failures before SSM stops, e.g. 0, 2 or 10%.',
      },
      within: { ...DURATION_SCHEMA, description: 'Overall deadline; past it the command is cancelled.' },
      interval: { ...DURATION_SCHEMA, description: 'Time between looks at the invocations (default 2s).' },
      comment: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
  shellKeys: ['commands'],
  parse(r) {
    const document = r.document ?? DEFAULT_DOCUMENT;
    const commands =
      r.commands === undefined ? undefined : typeof r.commands === 'string' ? [r.commands] : [...r.commands];
    checkCommands(commands, document, r.parameters);
    const spec: SsmCommandSpec = {
      targets: targetsOf(r),
      document,
      parameters: parametersOf(r.parameters),
      interval: durationAt(r.interval, 'interval', POLL_INTERVAL) ?? DEFAULT_INTERVAL,
    };
    if (commands) spec.commands = commands;
    const concurrency = countAt(r.max_concurrency, 'max_concurrency', MAX_CONCURRENCY_PATTERN, '10 or 25%');
    if (concurrency !== undefined) spec.maxConcurrency = concurrency;
    const errors = countAt(r.max_errors, 'max_errors', MAX_ERRORS_PATTERN, '0, 2 or 10%');
    if (errors !== undefined) spec.maxErrors = errors;
    const within = durationAt(r.within, 'within');
    if (within !== undefined) spec.within = within;
    if (r.comment !== undefined) spec.comment = r.comment;
    return spec;
  },
  summary(c) {
    const what = c.commands ? firstLine(c.commands) : c.document;
    const limits = [
      c.maxConcurrency ? `max_concurrency ${c.maxConcurrency}` : '',
      c.maxErrors ? `max_errors ${c.maxErrors}` : '',
      c.within ? `within ${formatDuration(c.within)}` : '',
    ].filter(Boolean);
    return `ssm ${describeTargets(c.targets)}: ${what}${limits.length ? ` (${limits.join(', ')})` : ''}`;
  },
  run: (spec, ctx) => runSsmCommand(spec, { ...ctx, aws: awsSpec(ctx) }),
};

function targetsOf(r: RawSsmConfig): SsmTargets {
  if (r.instance_ids !== undefined && r.tags !== undefined) {
    throw new ConfigProblem(
      'tags',
      'give either instance_ids or tags, not both',
      'SSM targets one or the other',
    );
  }
  if (r.instance_ids !== undefined) return { kind: 'instances', instanceIds: [...r.instance_ids] };
  if (r.tags !== undefined) return { kind: 'tags', tags: { ...r.tags } };
  throw new ConfigProblem(
    '',
    'say which instances: instance_ids: [...] or tags: {Key: value}',
    'e.g. ssm: { tags: { Role: bookstore-api }, commands: [uptime] }',
  );
}

const SECRET_TEMPLATE = /\{\{\s*secrets\./;
const SECRET_PROBLEM =
  'a secret cannot be sent through SSM Run Command: AWS keeps every command with its parameters in the command history (console, CLI, CloudTrail)';
const SECRET_HINT = 'keep it on the instance, e.g. a Parameter Store SecureString the command reads itself';

/** Refusals a schema cannot express: what `commands` may hold with which document. */
function checkCommands(
  commands: string[] | undefined,
  document: string,
  parameters: RawSsmConfig['parameters'],
): void {
  if (parameters && Object.hasOwn(parameters, 'commands')) {
    throw new ConfigProblem('parameters.commands', 'give the commands as commands:, not under parameters');
  }
  for (const [key, value] of Object.entries(parameters ?? {})) {
    const texts = Array.isArray(value) ? value : [String(value)];
    if (texts.some((t) => SECRET_TEMPLATE.test(t)))
      throw new ConfigProblem(`parameters.${key}`, SECRET_PROBLEM, SECRET_HINT);
  }
  if (commands === undefined) {
    if (document === DEFAULT_DOCUMENT) {
      throw new ConfigProblem(
        '',
        `${DEFAULT_DOCUMENT} needs commands: (the shell lines to run)`,
        'e.g. commands: [uptime]',
      );
    }
    return;
  }
  for (const [i, line] of commands.entries()) {
    if (SECRET_TEMPLATE.test(line)) throw new ConfigProblem(`commands[${i}]`, SECRET_PROBLEM, SECRET_HINT);
    // Values reach the script as sh variables (see ssm-script.ts); another document may not
    // run its commands with sh at all.
    if (document !== DEFAULT_DOCUMENT && line.includes('{{')) {
      throw new ConfigProblem(
        `commands[${i}]`,
        `templates in commands need the ${DEFAULT_DOCUMENT} document (values are passed as sh variables)`,
        'pass the value as a document parameter under parameters: instead',
      );
    }
  }
}

function parametersOf(raw: RawSsmConfig['parameters']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    out[key] = Array.isArray(value) ? [...value] : [String(value)];
  }
  return out;
}

/** MaxConcurrency / MaxErrors: SSM takes them as strings, a count or a percentage. */
function countAt(
  value: string | number | undefined,
  path: string,
  pattern: RegExp,
  example: string,
): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!pattern.test(text)) {
    throw new ConfigProblem(
      path,
      `"${value}" is not a count or percentage SSM accepts for ${path}`,
      `e.g. ${example}`,
    );
  }
  return text;
}

/** The first line that does something (`set -e` and the like say how, not what). */
function firstLine(commands: string[]): string {
  const all = commands.flatMap((c) => c.trim().split('\n'));
  const lines = all.length > 1 ? all.filter((l, i) => i > 0 || !/^set\s+[-+]/.test(l)) : all;
  return lines.length > 1 ? `${lines[0]} …(+${lines.length - 1} lines)` : (lines[0] ?? '');
}
