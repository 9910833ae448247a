import { didYouMean } from './did-you-mean.js';
import { quoteFor, refFor, type ShellContext, shellContexts } from './shell-context.js';
import type { ShellValues } from './shell-values.js';
import {
  checkFilterTarget,
  defaultOf,
  hasWords,
  splitFilters,
  type TemplateFilter,
  wordsDisplay,
  wordsOf,
  wordsReferences,
  wordsRefusedIn,
} from './template-filters.js';
import { TemplateError, type TemplateRef, type TemplateRoot } from './template-ref.js';

export { TemplateError, type TemplateRef, type TemplateRoot };

/**
 * `{{ ... }}` interpolation. A template refers to exactly one value:
 *
 *   {{ vars.NAME }}            a runbook var (or one saved by an earlier step's `save:`)
 *   {{ env.NAME }}             an environment variable of the drillbook process
 *   {{ secrets.NAME }}         a secret declared under `secrets:`; its value comes from env
 *   {{ hosts.NAME.host }}      a host's address; also `.user` and `.port` (22 when unset)
 *   {{ steps.ID.output }}      the output of a step that ran earlier
 *
 * A reference may be followed by filters, `{{ vars.psql | words }}` and
 * `{{ vars.x | default('text') }}` (see template-filters.ts).
 *
 * Spaces inside the braces are optional. To write a literal `{{`, use `{{ '{{' }}`: a
 * single-quoted string inside the braces is inserted as written (this form was chosen over
 * `\{{` because backslashes already mean something in shell text). A lone `}}` is literal.
 */

/** A literal run of text, or a reference with its `{{`..`}}` span (end is exclusive). */
export type TemplatePart =
  | string
  | { ref: TemplateRef; start: number; end: number; filters?: readonly TemplateFilter[] };

/** A problem with a template, as data. `offset` is into the template text. */
const ROOTS: readonly TemplateRoot[] = ['vars', 'env', 'secrets', 'hosts', 'steps'];
export const HOST_FIELDS = ['host', 'user', 'port'] as const;
const FORMS = 'vars.NAME, env.NAME, secrets.NAME, hosts.NAME.host|user|port or steps.ID.output';
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits text into literals and references. Throws `TemplateError` for any malformed template. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) break;
    literal += text.slice(pos, open);
    const quoted = quotedLiteral(text, open);
    if (quoted) {
      literal += quoted.value;
      pos = quoted.end;
      continue;
    }
    const close = text.indexOf('}}', open + 2);
    const inner = close < 0 ? '' : text.slice(open + 2, close);
    if (close < 0 || inner.includes('{{')) {
      throw new TemplateError(
        open,
        'template opened with {{ is never closed',
        "close it with }}, or write a literal {{ as {{ '{{' }}",
      );
    }
    const end = close + 2;
    if (literal) parts.push(literal);
    literal = '';
    const { expr, filters } = splitFilters(inner, open);
    const ref = parseRef(expr, open);
    checkFilterTarget(ref, filters, open);
    parts.push(filters.length > 0 ? { ref, start: open, end, filters } : { ref, start: open, end });
    pos = end;
  }
  literal += text.slice(pos);
  if (literal) parts.push(literal);
  return parts;
}

/** `{{ 'text' }}` at `open`: the quoted text is literal (how `{{` itself is written). */
function quotedLiteral(text: string, open: number): { value: string; end: number } | undefined {
  const literal = /\{\{\s*'([^']*)'\s*\}\}/y;
  literal.lastIndex = open;
  const m = literal.exec(text);
  return m ? { value: m[1] ?? '', end: open + m[0].length } : undefined;
}

function parseRef(expr: string, offset: number): TemplateRef {
  if (expr === '') throw new TemplateError(offset, 'empty template {{ }}', `write one of ${FORMS}`);
  const segments = expr.split('.');
  const [first, ...path] = segments;
  if (!segments.every((s) => SEGMENT.test(s))) {
    throw new TemplateError(offset, `malformed template {{ ${expr} }}`, `write one of ${FORMS}`);
  }
  const root = ROOTS.find((r) => r === first);
  if (!root) {
    const guess = didYouMean(first ?? '', ROOTS);
    const hint = guess ? `did you mean ${[guess, ...path].join('.')}?` : `write one of ${FORMS}`;
    throw new TemplateError(offset, `unknown template root '${first}' in {{ ${expr} }}`, hint);
  }
  const bad = (message: string, hint: string): never => {
    throw new TemplateError(offset, `{{ ${expr} }}: ${message}`, hint);
  };
  switch (root) {
    case 'vars':
      if (path.length !== 1) bad('a var is named by one word', 'write vars.NAME');
      break;
    case 'env':
    case 'secrets':
      if (path.length !== 1 || !ENV_NAME.test(path[0] ?? '')) {
        bad('expects an environment variable name', `write ${root}.NAME (letters, digits, _)`);
      }
      break;
    case 'hosts': {
      if (path.length !== 2) bad('expects a host and a field', 'write hosts.NAME.host, .user or .port');
      const field = path[1] ?? '';
      if (!(HOST_FIELDS as readonly string[]).includes(field)) {
        const guess = didYouMean(field, HOST_FIELDS);
        bad(`unknown host field '${field}'`, guess ? `did you mean ${guess}?` : 'use host, user or port');
      }
      break;
    }
    case 'steps':
      if (path.length !== 2 || path[1] !== 'output') {
        bad('only a step output can be used', `write steps.${path[0] ?? 'ID'}.output`);
      }
      break;
  }
  return { root, path };
}

export interface KnownNames {
  /** Runbook vars plus vars saved (`save:`) by steps that run earlier. */
  vars: Set<string>;
  /** Host name -> fields that are set. `port` is always accepted (defaults to 22). */
  hosts: Record<string, Set<string>>;
  /** Ids of steps that run before the step being checked. */
  steps: Set<string>;
  /** Names declared under `secrets:`. */
  secrets: Set<string>;
  /** Optional: every step id, so a reference to a later step gets a precise message. */
  allSteps?: Set<string>;
}

/**
 * Static check for the validator: every reference must name something that exists by the
 * time the text is rendered. `env` refs are only checked at run time. With `shell: true`
 * it also rejects templates where the shell would evaluate a value or could not expand a
 * reference to it (backticks, `${...}`, arithmetic, quoted here-documents, here-document
 * delimiters; see shell-context.ts). Returns every problem, never throws.
 */
export function checkRefs(
  text: string,
  known: KnownNames,
  options: { shell?: boolean } = {},
): TemplateError[] {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(text);
  } catch (error) {
    if (error instanceof TemplateError) return [error];
    throw error;
  }
  const errors: TemplateError[] = [];
  for (const part of parts) {
    if (typeof part === 'string') continue;
    const problem =
      part.filters && part.ref.root === 'env' && known.secrets.has(part.ref.path[0] ?? '')
        ? { message: 'a secret takes no filter', hint: 'a secret comes whole from its environment variable' }
        : checkRef(part.ref, known, defaultOf(part.filters) !== undefined);
    if (problem) errors.push(new TemplateError(part.start, problem.message, problem.hint));
  }
  if (options.shell) {
    const contexts = shellContexts(parts.map((p) => (typeof p === 'string' ? p : null)));
    refsOf(parts).forEach((part, i) => {
      const context = contexts[i];
      if (context?.kind === 'unsupported') errors.push(new TemplateError(part.start, context.why));
      else if (hasWords(part.filters) && wordsRefusedIn(context)) {
        errors.push(new TemplateError(part.start, wordsRefusedIn(context) ?? ''));
      }
    });
  }
  return errors;
}

function checkRef(
  ref: TemplateRef,
  known: KnownNames,
  hasDefault = false,
): { message: string; hint?: string } | undefined {
  const [name = '', field = ''] = ref.path;
  const suggest = (candidates: Iterable<string>, fallback: string): string => {
    const guess = didYouMean(name, candidates);
    return guess ? `did you mean ${guess}?` : fallback;
  };
  switch (ref.root) {
    case 'vars':
      if (known.vars.has(name)) return undefined;
      // An optional var (`| default(...)`) need not be defined; one a letter or two away
      // from a defined var is still a typo, which must not silently become the default.
      if (hasDefault && didYouMean(name, known.vars) === undefined) return undefined;
      return {
        message: `undefined variable '${name}'`,
        hint: suggest(
          known.vars,
          `define it under vars:, save it from an earlier step, or pass --var ${name}=...`,
        ),
      };
    case 'secrets':
      if (known.secrets.has(name)) return undefined;
      return {
        message: `secret '${name}' is not declared`,
        hint: suggest(known.secrets, `add ${name} to secrets: so its value is redacted`),
      };
    case 'hosts': {
      // Own keys only: `hosts.__proto__.host` or `hosts.constructor.user` name no host.
      const fields = Object.hasOwn(known.hosts, name) ? known.hosts[name] : undefined;
      if (!fields) {
        return {
          message: `unknown host '${name}'`,
          hint: suggest(Object.keys(known.hosts), 'define it under hosts:'),
        };
      }
      if (field === 'port' || fields.has(field)) return undefined;
      return { message: `host '${name}' has no ${field} set`, hint: `set hosts.${name}.${field}` };
    }
    case 'steps':
      if (known.steps.has(name)) return undefined;
      if (known.allSteps?.has(name)) {
        return {
          message: `step '${name}' does not run before this one, so its output does not exist yet`,
          hint: 'only steps that run earlier can be referred to',
        };
      }
      return {
        message: `unknown step '${name}'`,
        hint: suggest(known.allSteps ?? known.steps, 'refer to the id of a step that runs earlier'),
      };
    case 'env':
      return undefined;
  }
}

export interface HostFields {
  host: string;
  user?: string;
  port?: number;
}

/** Everything a template can refer to at run time. */
export interface TemplateScope {
  vars: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Declared secret names; the values are read from `env`. */
  secrets: readonly string[];
  hosts: Readonly<Record<string, HostFields>>;
  steps: Readonly<Record<string, { output: string }>>;
}

/**
 * How templates in shell text are filled:
 * - `false`: not shell text; values are inserted as they are (URLs, messages, env values).
 * - a `ShellValues`: shell text about to run. Each template becomes a reference to a
 *   variable (`"${DRILLBOOK_V1}"`) and its value is recorded in the `ShellValues`, for the
 *   action to pass as data (environment, stdin). The text holds no value at all.
 * - `'display'`: shell text shown to people (`plan`, step summaries): values written in
 *   place, quoted for where they stand, so the text reads as what will run; a secret stays
 *   written as its template (`{{ secrets.NAME }}`). Never executed.
 */
export type ShellMode = false | 'display' | ShellValues;

/**
 * Fills every template (see `ShellMode`). Throws `TemplateError` for a reference that has
 * no value now (unset env var, skipped step) or stands where no value can go safely; with
 * `keepUnknown` (for display: `plan` before anything ran) such a reference stays as written.
 */
export function renderTemplate(
  text: string,
  scope: TemplateScope,
  options: { shell: ShellMode; keepUnknown?: boolean },
): string {
  const parts = parseTemplate(text);
  const { shell } = options;
  const contexts: ShellContext[] =
    shell === false ? [] : shellContexts(parts.map((p) => (typeof p === 'string' ? p : null)));
  let out = '';
  let hole = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const context = contexts[hole++];
    if (shell === 'display' && isSecret(part.ref, scope)) {
      // Shown, never run: a secret stays written as its template, in no quoted form at all.
      out += text.slice(part.start, part.end);
      continue;
    }
    let value: string;
    try {
      value = lookupOrDefault(part, scope, options.keepUnknown === true);
    } catch (error) {
      if (!(options.keepUnknown && error instanceof TemplateError)) throw error;
      out += text.slice(part.start, part.end);
      continue;
    }
    if (hasWords(part.filters)) {
      out += renderWords(value, shell, context, part, scope);
      continue;
    }
    if (shell === false) {
      out += value;
      continue;
    }
    // One context per template, always; never fall back to pasting a value into shell text.
    if (!context) throw new Error('internal error: a template in shell text has no context');
    if (context.kind === 'unsupported') {
      throw new TemplateError(
        part.start,
        context.why,
        'pass the value another way, e.g. through env: of the step',
      );
    }
    out += shell === 'display' ? (quoteFor(context, value) ?? '') : reference(shell, context, value, part);
  }
  return out;
}

/**
 * The value, or the `| default(...)` text when the reference has none. With `keepUnknown`
 * (display before the run) a missing value stays written as its template instead.
 */
function lookupOrDefault(
  part: Exclude<TemplatePart, string>,
  scope: TemplateScope,
  keepUnknown: boolean,
): string {
  const fallback = defaultOf(part.filters);
  try {
    return lookup(part.ref, scope, part.start);
  } catch (error) {
    if (fallback === undefined || keepUnknown || !(error instanceof TemplateError)) throw error;
    return fallback;
  }
}

/** `| words`: every word its own argument (see template-filters.ts). */
function renderWords(
  value: string,
  shell: ShellMode,
  context: ShellContext | undefined,
  part: Exclude<TemplatePart, string>,
  scope: TemplateScope,
): string {
  if (isSecret(part.ref, scope)) throw new TemplateError(part.start, 'a secret takes no filter (| words)');
  if (shell === false) return wordsOf(value).join(' ');
  const refused = context
    ? wordsRefusedIn(context)
    : 'internal error: a template in shell text has no context';
  if (refused !== undefined || context === undefined) throw new TemplateError(part.start, refused ?? '');
  if (shell === 'display') return wordsDisplay(value);
  if (value.includes('\u0000')) {
    throw new TemplateError(
      part.start,
      `the value of ${describe(part.ref)} contains a NUL byte, which no shell variable can hold`,
    );
  }
  return wordsReferences(shell, context, value);
}

/** `secrets.NAME`, or `env.NAME` of a name declared under `secrets:`. */
function isSecret(ref: TemplateRef, scope: TemplateScope): boolean {
  return ref.root === 'secrets' || (ref.root === 'env' && scope.secrets.includes(ref.path[0] ?? ''));
}

function reference(
  values: ShellValues,
  context: ShellContext,
  value: string,
  part: Exclude<TemplatePart, string>,
): string {
  // Environment variables and shell variables cannot hold a NUL byte.
  if (value.includes('\u0000')) {
    throw new TemplateError(
      part.start,
      `the value of ${describe(part.ref)} contains a NUL byte, which no shell variable can hold`,
    );
  }
  return refFor(context, values.add(value)) ?? '';
}

function lookup(ref: TemplateRef, scope: TemplateScope, offset: number): string {
  const [name = '', field = ''] = ref.path;
  const fail = (message: string, hint?: string): never => {
    throw new TemplateError(offset, message, hint);
  };
  switch (ref.root) {
    case 'vars': {
      const value = own(scope.vars, name);
      if (value !== undefined) return value;
      const guess = didYouMean(name, Object.keys(scope.vars));
      return fail(`variable '${name}' is not defined`, guess ? `did you mean ${guess}?` : undefined);
    }
    case 'env':
      return own(scope.env, name) ?? fail(`environment variable ${name} is not set`, `export ${name}=...`);
    case 'secrets':
      if (!scope.secrets.includes(name)) fail(`secret '${name}' is not declared`, `add ${name} to secrets:`);
      return (
        own(scope.env, name) ??
        fail(`secret ${name}: environment variable ${name} is not set`, `export ${name} before the drill`)
      );
    case 'hosts': {
      const host = own(scope.hosts, name) ?? fail(`unknown host '${name}'`);
      if (field === 'host') return host.host;
      if (field === 'port') return String(host.port ?? 22);
      return host.user ?? fail(`host '${name}' has no user set`, `set hosts.${name}.user`);
    }
    case 'steps': {
      const step = own(scope.steps, name);
      if (step) return step.output;
      return fail(`step '${name}' has no output: it has not run (skipped, or not reached yet)`);
    }
  }
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function describe(ref: TemplateRef): string {
  return [ref.root, ...ref.path].join('.');
}

function refsOf(parts: TemplatePart[]): Array<Exclude<TemplatePart, string>> {
  return parts.filter((p): p is Exclude<TemplatePart, string> => typeof p !== 'string');
}

/** See `renderLater`. */
const RENDER_LATER = Symbol('drillbook.render-later');

/**
 * Marks a part of a config that `renderDeep` must leave alone: an action call nested in
 * another action's config (`wait: { until: { run: ... } }`). Rendering it with the outer
 * action's shell keys would fill a nested command verbatim; it is rendered when it runs,
 * through `ctx.probe`, with its own action's shell keys.
 */
export function renderLater<T extends object>(value: T): T {
  Object.defineProperty(value, RENDER_LATER, { value: true, enumerable: false });
  return value;
}

function isRenderLater(value: object): boolean {
  return (value as { [RENDER_LATER]?: boolean })[RENDER_LATER] === true;
}

/**
 * A copy of an action config with every string rendered. Strings under the top-level keys in
 * `shellKeys` (at any depth) are shell text, filled as `shell` says (see `ShellMode`: a
 * `ShellValues` to run it, `'display'` to show it); the rest are filled verbatim. A bare
 * string config (a shorthand like `run: "cmd"`) counts as shell text when the action has
 * shell keys, since quoting a URL merely breaks it while not quoting a command could run a
 * value. Errors carry `path`, e.g. `headers.Authorization`. Parts marked `renderLater` are
 * kept as is.
 */
export function renderDeep<T>(
  value: T,
  scope: TemplateScope,
  shellKeys: readonly string[],
  shell: 'display' | ShellValues,
): T {
  if (typeof value === 'string') return renderAt(value, scope, shellKeys.length > 0 && shell, '') as T;
  if (Array.isArray(value) || value === null || typeof value !== 'object' || isRenderLater(value)) {
    return walk(value, scope, false, '') as T;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    setOwn(out, key, walk(child, scope, shellKeys.includes(key) && shell, key));
  }
  return out as T;
}

function walk(value: unknown, scope: TemplateScope, shell: ShellMode, path: string): unknown {
  if (typeof value === 'string') return renderAt(value, scope, shell, path);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, scope, shell, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    if (isRenderLater(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      setOwn(out, key, walk(child, scope, shell, path ? `${path}.${key}` : key));
    }
    return out;
  }
  return value;
}

/** `target[key] = value` as an own property, also for `__proto__` (data, never a prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function renderAt(text: string, scope: TemplateScope, shell: ShellMode, path: string): string {
  if (!text.includes('{{')) return text;
  try {
    return renderTemplate(text, scope, { shell });
  } catch (error) {
    if (error instanceof TemplateError) error.path = path;
    throw error;
  }
}
