import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { slug as githubSlug } from 'github-slugger';
import { type ActionRegistry, ConfigProblem } from '../plugin/contract.js';
import { settingsBlocks } from '../plugin/declarations.js';
import { BackgroundRules, type StepPlace } from './background-rules.js';
import { checkDataShape, MAX_DATA_DEPTH, MAX_NODES } from './data-shape.js';
import {
  type Duration,
  type DurationRule,
  MAY_BE_ZERO,
  POLL_INTERVAL,
  POSITIVE,
  readDuration,
  toDuration,
} from './duration.js';
import { type LoadError, RunbookError } from './errors.js';
import { expandHostNames, resolveGroups } from './host-groups.js';
import { buildMeasures } from './measure-check.js';
import type { ActionCall, ConfirmSpec, HostSpec, Runbook, Step } from './model.js';
import { childPath, positionOf, type RawDocument } from './raw.js';
import { registeredRunbookSchema } from './runbook-schema.js';
import { compileRunbookSchema } from './schema-cache.js';
import { schemaErrorsToLoadErrors } from './schema-errors.js';
import { checkRefs, renderTemplate, TemplateError } from './template.js';

const DEFAULT_TIMEOUT = toDuration(5 * 60_000);
const DEFAULT_RETRY_DELAY = toDuration(1000);
const DEFAULT_STOP_INTERVAL = toDuration(5000);

// One compiled schema per registry: compiling costs milliseconds and a command builds one registry.
const compiled = new WeakMap<ActionRegistry, ValidateFunction>();
function schemaValidator(actions: ActionRegistry): ValidateFunction {
  let validate = compiled.get(actions);
  if (!validate) {
    validate = compileRunbookSchema(registeredRunbookSchema(actions));
    compiled.set(actions, validate);
  }
  return validate;
}

export interface BuildOptions {
  /** `--var k=v` overrides; they win over the runbook's `vars`. */
  vars?: Record<string, string>;
  env?: Record<string, string | undefined>;
}

type Raw = Record<string, unknown>;

/**
 * Parse, don't validate: turns a front-end's raw document into the typed Runbook, or throws
 * RunbookError listing every problem with file, line, column and path.
 */
export function buildRunbook(actions: ActionRegistry, doc: RawDocument, options: BuildOptions = {}): Runbook {
  const env = options.env ?? process.env;
  const fail = (path: string, message: string, hint?: string): never => {
    throw new RunbookError([at(doc, path, message, hint)]);
  };
  if (doc.data === null || doc.data === undefined)
    fail('', 'the runbook is empty', 'expected at least `steps:`');
  if (typeof doc.data !== 'object' || Array.isArray(doc.data))
    fail('', 'expected a mapping at the top of the runbook (keys like name:, steps:)');
  const shape = checkDataShape(doc.data);
  if (shape?.kind === 'large')
    fail(
      shape.path,
      `the runbook expands to more than ${MAX_NODES} values`,
      'YAML aliases that multiply are refused',
    );
  if (shape?.kind === 'cycle')
    fail(
      shape.path,
      'a YAML alias here refers to a value that contains it, so it never ends',
      'an alias may only repeat a value from outside itself',
    );
  if (shape?.kind === 'deep')
    fail(
      shape.path,
      `nesting deeper than ${MAX_DATA_DEPTH} levels (counting what aliases repeat)`,
      'a runbook needs a few levels; nested parallel groups count too',
    );

  const validate = schemaValidator(actions);
  if (!validate(doc.data)) throw new RunbookError(schemaErrorsToLoadErrors(doc, validate.errors ?? []));

  const raw = doc.data as Raw;
  const errors: LoadError[] = [];
  const report = (path: string, message: string, hint?: string) => errors.push(at(doc, path, message, hint));
  // Every duration goes through the one parser; zero, too short or too long is reported here.
  const durationOf = (value: unknown, path: string, rule: DurationRule): Duration | undefined => {
    if (value === undefined) return undefined;
    const read = readDuration(value, rule);
    if (read.ok) return read.ms;
    report(path, read.message, read.hint);
    return undefined;
  };

  const secrets = (raw['secrets'] as string[] | undefined) ?? [];
  // Null prototypes: a var or host named `__proto__` or `constructor` is just a name.
  const vars: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries((raw['vars'] as Raw | undefined) ?? {})) vars[k] = String(v);
  const given = options.vars ?? {};
  for (const [k, v] of Object.entries(given)) vars[k] = v;
  // vars, hosts and aws are filled in once, now: they may use env and earlier vars, never steps.
  const loadScope = { vars, env, secrets, hosts: {}, steps: {} };
  const fill = (text: string, path: string): string => {
    try {
      return renderTemplate(text, loadScope, { shell: false });
    } catch (error) {
      if (error instanceof TemplateError) report(path, error.message, error.hint);
      else throw error;
      return text;
    }
  };
  // Only what the runbook's author wrote is a template. A `--var` value is literal text:
  // `--var 'v={{ env.DB_TOKEN }}'` means those characters, never the token.
  for (const [k, v] of Object.entries(vars))
    if (!Object.hasOwn(given, k)) vars[k] = fill(v, childPath('vars', k));

  const hosts: Record<string, HostSpec> = Object.create(null);
  const topKnownHosts = raw['known_hosts'] as string | undefined;
  const rawGroups: Record<string, string[]> = Object.create(null);
  for (const [name, h] of Object.entries((raw['hosts'] as Record<string, Raw> | undefined) ?? {})) {
    const p = childPath('hosts', name);
    if (Array.isArray(h)) {
      rawGroups[name] = h as string[];
      continue;
    }
    const str = (key: string) =>
      typeof h[key] === 'string' ? fill(h[key] as string, childPath(p, key)) : undefined;
    const spec: HostSpec = { name, host: str('host') ?? '' };
    const user = str('user');
    if (user) spec.user = user;
    const port = typeof h['port'] === 'number' ? h['port'] : str('port');
    if (port !== undefined) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        report(childPath(p, 'port'), `expected a port 1-65535, got ${port}`);
      else spec.port = n;
    }
    const identityFile = str('identity_file');
    if (identityFile) spec.identityFile = identityFile;
    const jump = str('jump');
    if (jump) spec.jump = jump;
    const knownHosts = str('known_hosts') ?? (topKnownHosts ? fill(topKnownHosts, 'known_hosts') : undefined);
    if (knownHosts) spec.knownHosts = knownHosts;
    hosts[name] = spec;
  }
  const { groups: hostGroups, problems: groupProblems } = resolveGroups(rawGroups, Object.keys(hosts));
  for (const [name, found] of groupProblems)
    for (const problem of found) {
      const p = childPath('hosts', name);
      report(problem.item === undefined ? p : childPath(p, problem.item), problem.message, problem.hint);
    }

  const defaultsRaw = (raw['defaults'] as Raw | undefined) ?? {};
  const defaults = {
    timeout: durationOf(defaultsRaw['timeout'], 'defaults.timeout', POSITIVE) ?? DEFAULT_TIMEOUT,
    retries: (defaultsRaw['retries'] as number | undefined) ?? 0,
    retryDelay:
      durationOf(defaultsRaw['retry_delay'], 'defaults.retry_delay', MAY_BE_ZERO) ?? DEFAULT_RETRY_DELAY,
  };

  // Step ids are unique across every list; templates may only name steps that run earlier.
  const ids = new Map<string, { id: string; path: string }>();
  const earlierSteps = new Set<string>();
  const allSteps = collectIds(raw);
  const knownVars = new Set(Object.keys(vars));
  const hostFields: Record<string, Set<string>> = Object.fromEntries(
    Object.values(hosts).map((h) => [h.name, new Set(['host', 'port', 'name', ...(h.user ? ['user'] : [])])]),
  );
  const checkText = (text: string, path: string, shell = false) => {
    const known = {
      vars: knownVars,
      hosts: hostFields,
      steps: earlierSteps,
      secrets: new Set(secrets),
      allSteps,
    };
    for (const e of checkRefs(text, known, { shell })) report(path, e.message, e.hint);
  };
  const checkDeep = (value: unknown, path: string, shell = false): void => {
    if (typeof value === 'string') checkText(value, path, shell);
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) checkDeep(v, childPath(path, i), shell);
    } else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) checkDeep(v, childPath(path, k), shell);
  };
  const checkConfig = (config: unknown, path: string, shellKeys: readonly string[]): void => {
    if (typeof config === 'string') checkText(config, path, shellKeys.length > 0);
    else if (!config || typeof config !== 'object' || Array.isArray(config)) checkDeep(config, path);
    else for (const [k, v] of Object.entries(config)) checkDeep(v, childPath(path, k), shellKeys.includes(k));
  };

  const buildAction = (type: string, config: unknown, path: string): ActionCall | undefined => {
    const def = actions.get(type);
    if (!def) return undefined;
    checkConfig(config, path, def.shellKeys ?? []);
    try {
      const parsed = def.parse(config);
      for (const host of def.hosts?.(parsed) ?? []) {
        if (host.includes('{{') || hosts[host]) continue;
        // A group or a pattern must name at least one host: a typo never quietly runs on none.
        const { problems } = expandHostNames([host], Object.keys(hosts), hostGroups);
        for (const problem of problems) report(hostPath(config, path, host), problem.message, problem.hint);
      }
      return { type, config: parsed };
    } catch (error) {
      if (!(error instanceof ConfigProblem)) throw error;
      report(error.path ? `${path}.${error.path}` : path, error.message, error.hint);
      return undefined;
    }
  };

  const backgroundRules = new BackgroundRules(allSteps, report);
  const buildStep = (s: Raw, path: string, fallbackIndex: number, where: StepPlace): Step | undefined => {
    const actionKeys = Object.keys(s).filter((k) => k !== 'confirm' && actions.has(k));
    const isParallel = s['parallel'] !== undefined;
    if (isParallel) refuseGroupKeys(s, path, report);
    if (actionKeys.length > 1 || (isParallel && actionKeys.length > 0)) {
      const keys = isParallel ? ['parallel', ...actionKeys] : actionKeys;
      report(
        childPath(path, keys[1] ?? ''),
        `a step has exactly one action, found ${keys.join(' and ')}`,
        'split it into two steps',
      );
      return undefined;
    }
    let type = actionKeys[0];
    if (!type && !isParallel) {
      if (s['confirm'] === undefined) {
        report(
          path,
          'step has no action',
          `add one of: ${[...actions.keys()].filter((a) => a !== 'confirm').join(', ')}, parallel, or confirm`,
        );
        return undefined;
      }
      type = 'confirm';
    }
    const name = (s['name'] as string | undefined) ?? (s['id'] as string | undefined);
    const id =
      (s['id'] as string | undefined) ?? (name ? slug(name) : `${type ?? 'parallel'}-${fallbackIndex + 1}`);
    // Ids that differ only in case are one id to a person typing `--approve` or a link to a
    // heading anchor (GitHub lowercases them), so they count as duplicates.
    const previous = ids.get(id.toLowerCase());
    if (previous !== undefined) {
      const first = positionOf(doc, previous.path);
      report(
        s['id'] ? childPath(path, 'id') : path,
        previous.id === id
          ? `duplicate step id "${id}"`
          : `duplicate step id "${id}": it differs from "${previous.id}" only in case`,
        s['id']
          ? `first used at line ${first.line}; ids must be unique`
          : `first used at line ${first.line}; ids must be unique: give one of the steps an id of its own, e.g. ${doc.format === 'markdown' ? '```sh {id=...}' : '`id: ...`'}`,
      );
    }
    ids.set(id.toLowerCase(), { id, path });
    const role = backgroundRules.check(s, path, id, where, isParallel);
    if (role.await !== undefined && !earlierSteps.has(role.await)) {
      // Once awaited, the background step has ended: its output exists from here on.
      earlierSteps.add(role.await);
      added.steps.push(role.await);
    }

    const base = {
      id,
      name: name ?? id,
      timeout: durationOf(s['timeout'], childPath(path, 'timeout'), POSITIVE) ?? defaults.timeout,
      // A background step runs once: `defaults.retries` does not apply to it (see background-rules.ts).
      retries: (s['retries'] as number | undefined) ?? (role.background ? 0 : defaults.retries),
      retryDelay:
        durationOf(s['retry_delay'], childPath(path, 'retry_delay'), MAY_BE_ZERO) ?? defaults.retryDelay,
      continueOnError: (s['continue_on_error'] as boolean | undefined) ?? false,
      source: positionOf(doc, path),
    };
    const step = base as Step;
    if (typeof s['description'] === 'string') step.description = s['description'];
    if (s['leave_running'] === true) step.leaveRunning = true;
    if (s['when'] !== undefined) {
      step.when = String(s['when']);
      checkText(step.when, childPath(path, 'when'));
    }
    if (s['confirm'] !== undefined) step.confirm = buildConfirm(s['confirm'], childPath(path, 'confirm'));
    if (s['undo'] !== undefined) {
      const [undoType, undoConfig] = Object.entries(s['undo'] as Raw)[0] ?? [];
      const undo = undoType
        ? buildAction(undoType, undoConfig, childPath(childPath(path, 'undo'), undoType))
        : undefined;
      if (undo) step.undo = undo;
    }

    let result: Step | undefined;
    if (isParallel) {
      const hidden: Visible = { steps: [], vars: [] };
      const members = (s['parallel'] as Raw[])
        .map((m, i) => buildMember(m, childPath(childPath(path, 'parallel'), i), i, hidden))
        .filter((m): m is Step => m !== undefined);
      // Only after the whole group do its members' outputs and saved vars exist.
      // Logged in `added` too, so an enclosing group hides them from its own members.
      for (const name of hidden.steps) earlierSteps.add(name);
      for (const name of hidden.vars) knownVars.add(name);
      added.steps.push(...hidden.steps);
      added.vars.push(...hidden.vars);
      result = {
        ...step,
        kind: 'parallel',
        steps: members,
        failFast: (s['fail_fast'] as boolean | undefined) ?? true,
      };
    } else if (type) {
      const action = buildAction(type, type === 'confirm' ? {} : s[type], childPath(path, type));
      // `step` holds only the shared keys here; `role` is the one background role checked above.
      if (action) result = { ...step, ...role, kind: 'action', action } as Step;
    }
    // Later steps may use this step's output and saved var; a background step's only once
    // a step has awaited it (before that it may still be running).
    if (!role.background) {
      if (!earlierSteps.has(id)) added.steps.push(id);
      earlierSteps.add(id);
    }
    if (typeof s['save'] === 'string') {
      step.save = s['save'];
      if (!knownVars.has(s['save'])) added.vars.push(s['save']);
      knownVars.add(s['save']);
      if (result) result.save = s['save'];
    }
    return result;
  };

  // Members of a parallel group run side by side: a sibling's output or saved var may not
  // exist yet when a member starts (validate used to pass a runbook that fails at run time,
  // or reads an empty value, depending on timing). Each member's additions are hidden from
  // its siblings until the group ends. `added` logs what buildStep made visible, in order.
  const added: Visible = { steps: [], vars: [] };
  const buildMember = (m: Raw, path: string, index: number, hidden: Visible): Step | undefined => {
    const from = { steps: added.steps.length, vars: added.vars.length };
    const member = buildStep(m, path, index, 'member');
    for (const name of added.steps.splice(from.steps)) {
      earlierSteps.delete(name);
      hidden.steps.push(name);
    }
    for (const name of added.vars.splice(from.vars)) {
      knownVars.delete(name);
      hidden.vars.push(name);
    }
    return member;
  };

  const buildConfirm = (c: unknown, path: string): ConfirmSpec => {
    if (typeof c === 'string') {
      checkText(c, path);
      return { message: c, onTimeout: 'abort' };
    }
    const o = c as Raw;
    checkText(o['message'] as string, path);
    const spec: ConfirmSpec = {
      message: o['message'] as string,
      onTimeout: (o['on_timeout'] as 'abort' | 'skip') ?? 'abort',
    };
    if (typeof o['type'] === 'string') spec.phrase = o['type'];
    const timeout = durationOf(o['timeout'], childPath(path, 'timeout'), POSITIVE);
    if (timeout !== undefined) spec.timeout = timeout;
    return spec;
  };

  const buildList = (key: string, list: unknown, where: StepPlace): Step[] =>
    ((list as Raw[] | undefined) ?? [])
      .map((s, i) => buildStep(s, childPath(key, i), i, where))
      .filter((s): s is Step => s !== undefined);

  const steadyState = buildList('steady_state', raw['steady_state'], 'steady_state');
  const stopRaw = raw['stop_when'];
  const stopList = Array.isArray(stopRaw) ? stopRaw : (stopRaw as Raw | undefined)?.['probes'];
  const stopKey = Array.isArray(stopRaw) ? 'stop_when' : 'stop_when.probes';
  const stopProbes = buildList(stopKey, stopList, 'stop_when');
  const stopEvery = Array.isArray(stopRaw) ? undefined : (stopRaw as Raw | undefined)?.['every'];
  const stopInterval = durationOf(stopEvery, 'stop_when.every', POLL_INTERVAL) ?? DEFAULT_STOP_INTERVAL;
  const steps = buildList('steps', raw['steps'], 'main');
  const finallySteps = buildList('finally', raw['finally'], 'finally');
  const finallyBudget = durationOf(raw['finally_budget'], 'finally_budget', POSITIVE);
  const lists = { steps, finally: finallySteps, steadyState };
  const measures = buildMeasures(raw['measures'], lists, actions, report);

  // Settings blocks (aws:) are filled in per step (they may name a sandbox endpoint saved by
  // an earlier step), so they may use any var, including saved ones.
  const settings: Record<string, Record<string, string>> = {};
  for (const block of settingsBlocks(actions)) {
    const fields = raw[block.key];
    if (!fields || typeof fields !== 'object') continue;
    const strings: Record<string, string> = {};
    for (const [field, v] of Object.entries(fields)) {
      if (typeof v !== 'string') continue; // the schema has refused it already
      checkText(v, childPath(block.key, field));
      strings[field] = v;
    }
    settings[block.key] = strings;
  }

  if (errors.length > 0) throw new RunbookError(errors);

  const name = (raw['name'] as string | undefined) ?? slug(basename(doc.file, extname(doc.file)));
  const runbook: Runbook = {
    file: doc.file,
    format: doc.format,
    digest: createHash('sha256').update(doc.text).digest('hex'),
    name,
    title: (raw['title'] as string | undefined) ?? name,
    vars,
    secrets,
    hosts,
    hostGroups,
    settings,
    defaults: { timeout: defaults.timeout },
    steadyState,
    stopWhen: { probes: stopProbes, interval: stopInterval },
    steps,
    finally: finallySteps,
    measures,
  };
  if (typeof raw['description'] === 'string') runbook.description = raw['description'];
  if (finallyBudget !== undefined)
    runbook.finallyBudget = { ms: finallyBudget, source: positionOf(doc, 'finally_budget') };
  return runbook;
}

/**
 * The engine decides `confirm`, `when` and `undo` (and timeout, retries, output) for each
 * action step; a parallel group has none of its own. Accepting them would run the members without the gate or the condition,
 * and leave rollback without the undo, so they are refused where they are written.
 */
const GROUP_KEYS: Array<[key: string, why: string, hint: string]> = [
  [
    'confirm',
    'its members would run without this gate',
    'put a confirm step before the group, or `confirm` on each member',
  ],
  ['when', 'its members would run whatever it says', 'put `when` on each member'],
  [
    'undo',
    'rollback undoes each member that acted, with its own undo',
    'put `undo` on the members that need one',
  ], // The group only waits for its members: each runs with its own timeout and retries, and
  // has an output of its own. Accepted here they would silently do nothing.
  ['timeout', 'each member runs with its own timeout', 'put `timeout` on each member'],
  ['retries', 'each member retries on its own', 'put `retries` on the members to retry'],
  ['retry_delay', 'each member retries on its own', 'put `retry_delay` on the members that retry'],
  ['save', 'a group has no output of its own to save', 'put `save` on the member whose output you need'],
  [
    'leave_running',
    'each member runs its own processes',
    'put `leave_running` on the member that starts the daemon',
  ],
];

function refuseGroupKeys(
  s: Raw,
  path: string,
  report: (path: string, message: string, hint?: string) => void,
) {
  for (const [key, why, hint] of GROUP_KEYS)
    if (s[key] !== undefined)
      report(childPath(path, key), `\`${key}\` cannot go on a parallel group: ${why}`, hint);
}

/** Step ids and saved var names a template may refer to. */
interface Visible {
  steps: string[];
  vars: string[];
}

/** Every explicit step id, so a template naming a later step gets a precise message. */
function collectIds(raw: Raw): Set<string> {
  const ids = new Set<string>();
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const s of list as Raw[]) {
      if (typeof s?.['id'] === 'string') ids.add(s['id']);
      else if (typeof s?.['name'] === 'string') ids.add(slug(s['name']));
      walk(s?.['parallel']);
    }
  };
  for (const key of ['steady_state', 'steps', 'finally']) walk(raw[key]);
  return ids;
}

function at(doc: RawDocument, path: string, message: string, hint?: string): LoadError {
  const pos = positionOf(doc, path);
  return hint === undefined ? { ...pos, path, message } : { ...pos, path, message, hint };
}

/**
 * "Deploy to blue!" -> "deploy-to-blue", "Überprüfen" -> "überprüfen": the anchor GitHub gives
 * a heading with this text (github-slugger), so a step id links to its heading. Unicode letters
 * and digits stay; text with none becomes "step". No `-1` suffixes for repeats: two steps with
 * one id are an error the author fixes, so an id never shifts when a step is added above it.
 */
export function slug(text: string): string {
  return githubSlug(text.trim()) || 'step';
}

/** Where a host name stands in an action's config (`host: x` or `host: [.., x]`), for the error's position. */
function hostPath(config: unknown, path: string, name: string): string {
  const host = config && typeof config === 'object' ? (config as Raw)['host'] : undefined;
  if (host === name) return childPath(path, 'host');
  if (Array.isArray(host) && host.includes(name))
    return childPath(childPath(path, 'host'), host.indexOf(name));
  return path;
}
