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
import type {
  ActionCall,
  BackgroundRole,
  ConfirmSpec,
  HostSpec,
  ParallelStep,
  Runbook,
  Step,
  StopCondition,
} from './model.js';
import { childPath, positionOf, type RawDocument } from './raw.js';
import type { RawConfirm, RawHost, RawRunbook, RawStep } from './raw-runbook.js';
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
type Report = (path: string, message: string, hint?: string) => void;
type DurationOf = (value: unknown, path: string, rule: DurationRule) => Duration | undefined;
/** Fills a load-time template (vars, hosts); a problem is reported at `path`. */
type Fill = (text: string, path: string) => string;
/** A step's fields before it is an action or a group (an action step adds its background role). */
type StepFields = Omit<ParallelStep, 'kind' | 'steps' | 'failFast'>;

/**
 * What building one runbook shares between the functions below: where problems go, the hosts
 * and defaults read first, and which names a template may use at the step being built.
 */
interface Build {
  doc: RawDocument;
  actions: ActionRegistry;
  report: Report;
  durationOf: DurationOf;
  hosts: Record<string, HostSpec>;
  /** Host groups, each resolved to host names: an action may name a group or a glob. */
  hostGroups: Record<string, string[]>;
  defaults: { timeout: Duration; retries: number; retryDelay: Duration };
  refs: Refs;
  /** Step ids seen so far, by lower-cased id (ids differing in case collide). */
  ids: Map<string, { id: string; path: string }>;
  /** `background:` and `await:`, checked in document order. */
  background: BackgroundRules;
}

/**
 * Parse, don't validate: turns a front-end's raw document into the typed Runbook, or throws
 * RunbookError listing every problem with file, line, column and path.
 */
export function buildRunbook(actions: ActionRegistry, doc: RawDocument, options: BuildOptions = {}): Runbook {
  const raw = checkDocument(actions, doc);
  const errors: LoadError[] = [];
  const report: Report = (path, message, hint) => errors.push(at(doc, path, message, hint));
  const { b, vars, secrets } = buildContext(actions, doc, raw, options, report);
  const { durationOf, hosts, hostGroups, defaults } = b;

  const steadyState = buildList(b, 'steady_state', raw.steady_state, 'steady_state');
  const stopWhen = buildStopWhen(b, raw.stop_when);
  const steps = buildList(b, 'steps', raw.steps, 'main');
  const finallySteps = buildList(b, 'finally', raw.finally, 'finally');
  const finallyBudget = durationOf(raw.finally_budget, 'finally_budget', POSITIVE);
  const lists = { steps, finally: finallySteps, steadyState };
  const measures = buildMeasures(raw.measures, lists, actions, report);
  const settings = buildSettings(b, raw);

  if (errors.length > 0) throw new RunbookError(errors);

  const name = raw.name ?? slug(basename(doc.file, extname(doc.file)));
  const runbook: Runbook = {
    file: doc.file,
    format: doc.format,
    digest: createHash('sha256').update(doc.text).digest('hex'),
    name,
    title: raw.title ?? name,
    vars,
    secrets,
    hosts,
    hostGroups,
    settings,
    defaults: { timeout: defaults.timeout },
    steadyState,
    stopWhen,
    steps,
    finally: finallySteps,
    measures,
  };
  if (typeof raw.description === 'string') runbook.description = raw.description;
  if (finallyBudget !== undefined)
    runbook.finallyBudget = { ms: finallyBudget, source: positionOf(doc, 'finally_budget') };
  return runbook;
}

/** What the steps are built against, read first: vars, secrets, hosts, defaults. */
function buildContext(
  actions: ActionRegistry,
  doc: RawDocument,
  raw: RawRunbook,
  options: BuildOptions,
  report: Report,
): { b: Build; vars: Record<string, string>; secrets: string[] } {
  const env = options.env ?? process.env;
  const durationOf = durationReader(report);
  const secrets = raw.secrets ?? [];
  const { vars, fill } = buildVars(raw, options.vars ?? {}, { env, secrets, report });
  const { hosts, hostGroups } = buildHosts(raw, fill, report);
  const defaults = buildDefaults(raw, durationOf);
  const refs = createRefs(raw, vars, hosts, secrets, report);
  const background = new BackgroundRules(refs.allSteps, report);
  const ids = new Map<string, { id: string; path: string }>();
  const b: Build = { doc, actions, report, durationOf, hosts, hostGroups, defaults, refs, ids, background };
  return { b, vars, secrets };
}

/** Every duration goes through the one parser; zero, too short or too long is reported here. */
function durationReader(report: Report): DurationOf {
  return (value, path, rule) => {
    if (value === undefined) return undefined;
    const read = readDuration(value, rule);
    if (read.ok) return read.ms;
    report(path, read.message, read.hint);
    return undefined;
  };
}

/** Refuses an empty, non-mapping, runaway (aliases) or schema-invalid document, all at once. */
function checkDocument(actions: ActionRegistry, doc: RawDocument): RawRunbook {
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
  // The schema accepted it: from here on it has the shape RawRunbook describes.
  return doc.data as RawRunbook;
}

/**
 * `vars:`, with `--var` overrides winning, templates filled; and `fill`, which fills a
 * load-time template (vars, hosts): they may use env and earlier vars, never steps.
 */
function buildVars(
  raw: RawRunbook,
  given: Record<string, string>,
  scope: { env: Record<string, string | undefined>; secrets: string[]; report: Report },
): { vars: Record<string, string>; fill: Fill } {
  // Null prototypes: a var or host named `__proto__` or `constructor` is just a name.
  const vars: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(raw.vars ?? {})) vars[k] = String(v);
  for (const [k, v] of Object.entries(given)) vars[k] = v;
  const loadScope = { vars, env: scope.env, secrets: scope.secrets, hosts: {}, steps: {} };
  const fill = (text: string, path: string): string => {
    try {
      return renderTemplate(text, loadScope, { shell: false });
    } catch (error) {
      if (error instanceof TemplateError) scope.report(path, error.message, error.hint);
      else throw error;
      return text;
    }
  };
  // Only what the runbook's author wrote is a template. A `--var` value is literal text:
  // `--var 'v={{ env.DB_TOKEN }}'` means those characters, never the token.
  for (const [k, v] of Object.entries(vars))
    if (!Object.hasOwn(given, k)) vars[k] = fill(v, childPath('vars', k));
  return { vars, fill };
}

/**
 * `hosts:`: each host with templates filled, and each group (an entry that is a list)
 * resolved to host names, its problems reported where they are written.
 */
function buildHosts(
  raw: RawRunbook,
  fill: Fill,
  report: Report,
): { hosts: Record<string, HostSpec>; hostGroups: Record<string, string[]> } {
  const hosts: Record<string, HostSpec> = Object.create(null);
  const rawGroups: Record<string, string[]> = Object.create(null);
  for (const [name, h] of Object.entries(raw.hosts ?? {})) {
    if (Array.isArray(h)) rawGroups[name] = h;
    else hosts[name] = buildHost(name, h, raw.known_hosts, fill, report);
  }
  const { groups: hostGroups, problems } = resolveGroups(rawGroups, Object.keys(hosts));
  for (const [name, found] of problems)
    for (const problem of found) {
      const p = childPath('hosts', name);
      report(problem.item === undefined ? p : childPath(p, problem.item), problem.message, problem.hint);
    }
  return { hosts, hostGroups };
}

/** One host, templates filled, with the runbook-wide `known_hosts` unless it has its own. */
function buildHost(
  name: string,
  h: RawHost,
  topKnownHosts: string | undefined,
  fill: Fill,
  report: Report,
): HostSpec {
  const p = childPath('hosts', name);
  const str = (key: keyof RawHost) => {
    const value = h[key];
    return typeof value === 'string' ? fill(value, childPath(p, key)) : undefined;
  };
  const spec: HostSpec = { name, host: str('host') ?? '' };
  const user = str('user');
  if (user) spec.user = user;
  const port = typeof h.port === 'number' ? h.port : str('port');
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
  return spec;
}

function buildDefaults(raw: RawRunbook, durationOf: DurationOf): Build['defaults'] {
  const defaultsRaw = raw.defaults ?? {};
  return {
    timeout: durationOf(defaultsRaw.timeout, 'defaults.timeout', POSITIVE) ?? DEFAULT_TIMEOUT,
    retries: defaultsRaw.retries ?? 0,
    retryDelay:
      durationOf(defaultsRaw.retry_delay, 'defaults.retry_delay', MAY_BE_ZERO) ?? DEFAULT_RETRY_DELAY,
  };
}

/**
 * The names a template may use where it is written, and the checks of templates against them.
 * Step ids are unique across every list; templates may only name steps that run earlier.
 */
interface Refs {
  earlierSteps: Set<string>;
  /** Every step id written anywhere, so naming a later step gets a precise message. */
  allSteps: ReadonlySet<string>;
  knownVars: Set<string>;
  /**
   * Members of a parallel group run side by side: a sibling's output or saved var may not
   * exist yet when a member starts (validate used to pass a runbook that fails at run time,
   * or reads an empty value, depending on timing). Each member's additions are hidden from
   * its siblings until the group ends. `added` logs what buildStep made visible, in order.
   */
  added: Visible;
  checkText(text: string, path: string, shell?: boolean): void;
  checkDeep(value: unknown, path: string, shell?: boolean): void;
  /** An action's config: strings under its `shellKeys` are shell text. */
  checkConfig(config: unknown, path: string, shellKeys: readonly string[]): void;
}

function createRefs(
  raw: RawRunbook,
  vars: Record<string, string>,
  hosts: Record<string, HostSpec>,
  secrets: string[],
  report: Report,
): Refs {
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
  return {
    earlierSteps,
    allSteps,
    knownVars,
    added: { steps: [], vars: [] },
    checkText,
    checkDeep,
    checkConfig,
  };
}

/** One action call: templates checked, config parsed by its action, hosts it names known. */
function buildAction(b: Build, type: string, config: unknown, path: string): ActionCall | undefined {
  const { hosts, report } = b;
  const def = b.actions.get(type);
  if (!def) return undefined;
  b.refs.checkConfig(config, path, def.shellKeys ?? []);
  try {
    const parsed = def.parse(config);
    for (const host of def.hosts?.(parsed) ?? []) {
      if (host.includes('{{') || hosts[host]) continue;
      // A group or a pattern must name at least one host: a typo never quietly runs on none.
      const { problems } = expandHostNames([host], Object.keys(hosts), b.hostGroups);
      for (const problem of problems) report(hostPath(config, path, host), problem.message, problem.hint);
    }
    return { type, config: parsed };
  } catch (error) {
    if (!(error instanceof ConfigProblem)) throw error;
    report(error.path ? `${path}.${error.path}` : path, error.message, error.hint);
    return undefined;
  }
}

function buildStep(
  b: Build,
  s: RawStep,
  path: string,
  fallbackIndex: number,
  where: StepPlace,
): Step | undefined {
  const { refs } = b;
  const kind = stepKind(b, s, path);
  if (kind === undefined) return undefined;
  const type = kind === 'parallel' ? undefined : kind;
  const name = s.name ?? s.id;
  const id = stepId(b, s, path, name ? slug(name) : `${type ?? 'parallel'}-${fallbackIndex + 1}`);
  const role = backgroundRole(b, s, path, id, where, kind === 'parallel');
  const step = stepFields(b, s, path, { id, name: name ?? id, role });

  let result: Step | undefined;
  if (kind === 'parallel') result = buildGroup(b, s, path, step);
  else {
    const action = buildAction(b, kind, kind === 'confirm' ? {} : s[kind], childPath(path, kind));
    if (action) result = { ...step, ...role, kind: 'action', action };
  }
  // Later steps may use this step's output and saved var; a background step's only once
  // a step has awaited it (before that it may still be running).
  if (!role.background) {
    if (!refs.earlierSteps.has(id)) refs.added.steps.push(id);
    refs.earlierSteps.add(id);
  }
  if (typeof s.save === 'string') {
    if (!refs.knownVars.has(s.save)) refs.added.vars.push(s.save);
    refs.knownVars.add(s.save);
    if (result) result.save = s.save;
  }
  return result;
}

/** The step's background role (see background-rules.ts); awaiting makes the awaited step's output visible. */
function backgroundRole(
  b: Build,
  s: RawStep,
  path: string,
  id: string,
  where: StepPlace,
  isGroup: boolean,
): BackgroundRole {
  const { refs } = b;
  const role = b.background.check(s, path, id, where, isGroup);
  if (role.await !== undefined && !refs.earlierSteps.has(role.await)) {
    // Once awaited, the background step has ended: its output exists from here on.
    refs.earlierSteps.add(role.await);
    refs.added.steps.push(role.await);
  }
  return role;
}

/** The step's one action key (a bare `confirm:` is the confirm action), or 'parallel'. */
function stepKind(b: Build, s: RawStep, path: string): string | undefined {
  const { actions, report } = b;
  const actionKeys = Object.keys(s).filter((k) => k !== 'confirm' && actions.has(k));
  const isParallel = s.parallel !== undefined;
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
  if (isParallel) return 'parallel';
  if (actionKeys[0] !== undefined) return actionKeys[0];
  if (s.confirm === undefined) {
    report(
      path,
      'step has no action',
      `add one of: ${[...actions.keys()].filter((a) => a !== 'confirm').join(', ')}, parallel, or confirm`,
    );
    return undefined;
  }
  return 'confirm';
}

/** The step's id (written, or made from its name or position), reported when already used. */
function stepId(b: Build, s: RawStep, path: string, made: string): string {
  const { doc, ids } = b;
  const id = s.id ?? made;
  // Ids that differ only in case are one id to a person typing `--approve` or a link to a
  // heading anchor (GitHub lowercases them), so they count as duplicates.
  const previous = ids.get(id.toLowerCase());
  if (previous !== undefined) {
    const first = positionOf(doc, previous.path);
    b.report(
      s.id ? childPath(path, 'id') : path,
      previous.id === id
        ? `duplicate step id "${id}"`
        : `duplicate step id "${id}": it differs from "${previous.id}" only in case`,
      s.id
        ? `first used at line ${first.line}; ids must be unique`
        : `first used at line ${first.line}; ids must be unique: give one of the steps an id of its own, e.g. ${doc.format === 'markdown' ? '```sh {id=...}' : '`id: ...`'}`,
    );
  }
  ids.set(id.toLowerCase(), { id, path });
  return id;
}

/** What every step has, action or group: timing, gate, condition, undo. */
function stepFields(
  b: Build,
  s: RawStep,
  path: string,
  named: { id: string; name: string; role: BackgroundRole },
): StepFields {
  const { defaults, durationOf } = b;
  const step: StepFields = {
    id: named.id,
    name: named.name,
    timeout: durationOf(s.timeout, childPath(path, 'timeout'), POSITIVE) ?? defaults.timeout,
    // A background step runs once: `defaults.retries` does not apply to it (see background-rules.ts).
    retries: s.retries ?? (named.role.background ? 0 : defaults.retries),
    retryDelay: durationOf(s.retry_delay, childPath(path, 'retry_delay'), MAY_BE_ZERO) ?? defaults.retryDelay,
    continueOnError: s.continue_on_error ?? false,
    source: positionOf(b.doc, path),
  };
  if (typeof s.description === 'string') step.description = s.description;
  if (s.leave_running === true) step.leaveRunning = true;
  if (s.when !== undefined) {
    step.when = String(s.when);
    b.refs.checkText(step.when, childPath(path, 'when'));
  }
  if (s.confirm !== undefined) step.confirm = buildConfirm(b, s.confirm, childPath(path, 'confirm'));
  if (s.undo !== undefined) {
    const [undoType, undoConfig] = Object.entries(s.undo)[0] ?? [];
    const undo = undoType
      ? buildAction(b, undoType, undoConfig, childPath(childPath(path, 'undo'), undoType))
      : undefined;
    if (undo) step.undo = undo;
  }
  return step;
}

/** A parallel group: its members, each blind to what its siblings save until the group ends. */
function buildGroup(b: Build, s: RawStep, path: string, step: StepFields): Step {
  const { refs } = b;
  const hidden: Visible = { steps: [], vars: [] };
  const members = (s.parallel ?? [])
    .map((m, i) => buildMember(b, m, childPath(childPath(path, 'parallel'), i), i, hidden))
    .filter((m): m is Step => m !== undefined);
  // Only after the whole group do its members' outputs and saved vars exist.
  // Logged in `added` too, so an enclosing group hides them from its own members.
  for (const name of hidden.steps) refs.earlierSteps.add(name);
  for (const name of hidden.vars) refs.knownVars.add(name);
  refs.added.steps.push(...hidden.steps);
  refs.added.vars.push(...hidden.vars);
  return { ...step, kind: 'parallel', steps: members, failFast: s.fail_fast ?? true };
}

function buildMember(b: Build, m: RawStep, path: string, index: number, hidden: Visible): Step | undefined {
  const { added, earlierSteps, knownVars } = b.refs;
  const from = { steps: added.steps.length, vars: added.vars.length };
  const member = buildStep(b, m, path, index, 'member');
  for (const name of added.steps.splice(from.steps)) {
    earlierSteps.delete(name);
    hidden.steps.push(name);
  }
  for (const name of added.vars.splice(from.vars)) {
    knownVars.delete(name);
    hidden.vars.push(name);
  }
  return member;
}

function buildConfirm(b: Build, c: string | RawConfirm, path: string): ConfirmSpec {
  if (typeof c === 'string') {
    b.refs.checkText(c, path);
    return { message: c, onTimeout: 'abort' };
  }
  b.refs.checkText(c.message, path);
  const spec: ConfirmSpec = { message: c.message, onTimeout: c.on_timeout ?? 'abort' };
  if (typeof c.type === 'string') spec.phrase = c.type;
  const timeout = b.durationOf(c.timeout, childPath(path, 'timeout'), POSITIVE);
  if (timeout !== undefined) spec.timeout = timeout;
  return spec;
}

function buildList(b: Build, key: string, list: RawStep[] | undefined, where: StepPlace): Step[] {
  return (list ?? [])
    .map((s, i) => buildStep(b, s, childPath(key, i), i, where))
    .filter((s): s is Step => s !== undefined);
}

/** `stop_when:` a list of probes, or `{ probes, every }`. */
function buildStopWhen(b: Build, stopRaw: RawRunbook['stop_when']): StopCondition {
  const listed = Array.isArray(stopRaw);
  const key = listed ? 'stop_when' : 'stop_when.probes';
  const probes = buildList(b, key, listed ? stopRaw : stopRaw?.probes, 'stop_when');
  const every = listed ? undefined : stopRaw?.every;
  const interval = b.durationOf(every, 'stop_when.every', POLL_INTERVAL) ?? DEFAULT_STOP_INTERVAL;
  return { probes, interval };
}

/**
 * Settings blocks (aws:) are filled in per step (they may name a sandbox endpoint saved by
 * an earlier step), so they may use any var, including saved ones.
 */
function buildSettings(b: Build, raw: RawRunbook): Record<string, Record<string, string>> {
  const settings: Record<string, Record<string, string>> = {};
  for (const block of settingsBlocks(b.actions)) {
    const fields = raw[block.key];
    if (!fields || typeof fields !== 'object') continue;
    const strings: Record<string, string> = {};
    for (const [field, v] of Object.entries(fields)) {
      if (typeof v !== 'string') continue; // the schema has refused it already
      b.refs.checkText(v, childPath(block.key, field));
      strings[field] = v;
    }
    settings[block.key] = strings;
  }
  return settings;
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
  const host = config && typeof config === 'object' && 'host' in config ? config.host : undefined;
  if (host === name) return childPath(path, 'host');
  if (Array.isArray(host) && host.includes(name))
    return childPath(childPath(path, 'host'), host.indexOf(name));
  return path;
}
