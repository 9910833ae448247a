import {
  type ActionContext,
  type ActionDefinition,
  type ActionResult,
  ConfigProblem,
  type RawDuration,
} from '../plugin/contract.js';
import { type CheckOutcome, pollUntil } from '../plugin/poll.js';
import {
  DURATION_SCHEMA,
  type Duration,
  formatDuration,
  POLL_INTERVAL,
  toDuration,
} from '../runbook/duration.js';
import { durationAt } from './duration-field.js';
import { formatJsonPath, type JsonPath, jsonEquals, parseJsonPath, valueAt } from './json-path.js';

export interface JsonExpectation {
  path: JsonPath;
  equals: unknown;
}

export interface HttpConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * A body written as YAML/JSON data, sent as JSON. Kept as data until the request, so its
   * templates are filled into string values and a value can never become JSON structure.
   */
  jsonBody?: unknown;
  /** Per request. */
  timeout: Duration;
  expect: {
    /** Accepted statuses; undefined = any 2xx or 3xx. */
    status?: number[];
    bodyContains?: string;
    json: JsonExpectation[];
  };
  /** Keep trying for this long (ms); undefined = one request. */
  within?: Duration;
  interval: Duration;
}

const DEFAULT_TIMEOUT = toDuration(10_000);
const DEFAULT_INTERVAL = toDuration(2000);
/** The most of a body read for checks; a health endpoint that streams forever must not hang us. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The most of a body kept as the step's output (for `save:`). */
const MAX_OUTPUT_CHARS = 64 * 1024;
const EXCERPT_CHARS = 200;

const duration = DURATION_SCHEMA;
const status = { type: 'integer', minimum: 100, maximum: 599 };
const jsonExpectation = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'equals'],
  properties: { path: { type: 'string', minLength: 1 }, equals: {} },
};

/**
 * One value or a list of them. `if`/`then`/`else` rather than `oneOf`: ajv then reports only
 * the errors of the form the author wrote, not "expected a string" beside every typo.
 */
function oneOrList(item: Record<string, unknown>): Record<string, unknown> {
  return {
    type: [item['type'], 'array'].flat(),
    if: { type: 'array' },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
    then: { items: item, minItems: 1 },
    else: item,
  };
}

/** `http:` a request whose response must meet expectations, optionally polled until it does. */
export const httpAction: ActionDefinition<HttpConfig, RawHttpConfig> = {
  name: 'http',
  description: 'Send an HTTP request and check the response (status, body, JSON paths).',
  schema: {
    type: ['string', 'object'],
    if: { type: 'string' },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
    then: { minLength: 1 },
    else: {
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1 },
        method: { type: 'string', pattern: '^[A-Za-z]+$' },
        headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
        body: { type: ['string', 'object', 'array'] },
        timeout: duration,
        expect: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: oneOrList(status),
            body_contains: { type: 'string' },
            json: oneOrList(jsonExpectation),
          },
        },
        within: duration,
        interval: duration,
      },
    },
  },
  parse: parseHttp,
  polls: (c) => c.within !== undefined,
  summary(c) {
    const until = c.within === undefined ? '' : ` (up to ${formatDuration(c.within)})`;
    return `${c.method} ${c.url} expect ${expectedText(c)}${until}`;
  },
  run: runHttp,
};

/** `http:` as written: a URL, or the long form. The one type its schema above describes. */
export type RawHttpConfig = string | RawHttp;

export interface RawHttp {
  url: string;
  method?: string;
  headers?: Record<string, string | number | boolean>;
  /** Text as is; data (an object or a list) is sent as JSON. */
  body?: string | Record<string, unknown> | unknown[];
  timeout?: RawDuration;
  expect?: { status?: number | number[]; body_contains?: string; json?: RawJson | RawJson[] };
  within?: RawDuration;
  interval?: RawDuration;
}

export interface RawJson {
  path: string;
  equals: unknown;
}

function parseHttp(raw: RawHttpConfig): HttpConfig {
  const r: RawHttp = typeof raw === 'string' ? { url: raw } : raw;
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]));
  let body: string | undefined;
  if (typeof r.body === 'string') body = r.body;
  else if (r.body !== undefined) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
  }
  const statusRaw = r.expect?.status;
  const jsonRaw = r.expect?.json;
  const json = (jsonRaw === undefined ? [] : Array.isArray(jsonRaw) ? jsonRaw : [jsonRaw]).map((j, i) => {
    const path = parseJsonPath(j.path);
    if (!Array.isArray(path)) {
      const where = Array.isArray(jsonRaw) ? `expect.json[${i}].path` : 'expect.json.path';
      throw new ConfigProblem(where, path.error, 'write a path like $.status or $.checks[0].state');
    }
    return { path, equals: j.equals };
  });
  const config: HttpConfig = {
    url: r.url,
    method: (r.method ?? 'GET').toUpperCase(),
    headers,
    timeout: durationAt(r.timeout, 'timeout') ?? DEFAULT_TIMEOUT,
    expect: { json },
    interval: durationAt(r.interval, 'interval', POLL_INTERVAL) ?? DEFAULT_INTERVAL,
  };
  if (body !== undefined) config.body = body;
  else if (r.body !== undefined) config.jsonBody = r.body;
  if (statusRaw !== undefined) config.expect.status = Array.isArray(statusRaw) ? statusRaw : [statusRaw];
  if (r.expect?.body_contains !== undefined) config.expect.bodyContains = r.expect.body_contains;
  const within = durationAt(r.within, 'within');
  if (within !== undefined) config.within = within;
  checkUrl(r.url, typeof raw === 'string' ? '' : 'url');
  return config;
}

/** Catches `htp://` and friends at load time; a templated URL is checked when it runs. */
function checkUrl(url: string, path: string): void {
  if (url.includes('{{')) return;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigProblem(path, `"${url}" is not a URL`, 'write e.g. http://10.0.0.5:8080/health');
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigProblem(path, `"${url}" is not an http or https URL`);
  }
}

function expectedText(c: HttpConfig): string {
  const parts = [c.expect.status ? `status ${c.expect.status.join(' or ')}` : 'status 200-399'];
  if (c.expect.bodyContains !== undefined)
    parts.push(`body containing ${JSON.stringify(c.expect.bodyContains)}`);
  for (const j of c.expect.json) parts.push(`${formatJsonPath(j.path)} = ${JSON.stringify(j.equals)}`);
  return parts.join(', ');
}

async function runHttp(config: HttpConfig, ctx: ActionContext): Promise<ActionResult> {
  const started = Date.now();
  let lastBody = '';
  const check = async (): Promise<CheckOutcome> => {
    const seen = await request(config, ctx.signal);
    const verdict = seen.error === undefined ? checkResponse(config, seen.status, seen.body) : undefined;
    const shown = seen.error ?? `${seen.status}${verdict ? ` (${verdict.problem})` : ''}`;
    ctx.output('info', `${config.method} ${config.url} -> ${shown}\n`);
    if (seen.error !== undefined) return { ok: false, detail: seen.error };
    lastBody = seen.body;
    return verdict ? { ok: false, detail: verdict.detail } : { ok: true, detail: '' };
  };
  let outcome: Awaited<ReturnType<typeof pollUntil>> | undefined;
  try {
    outcome = await pollUntil(check, {
      within: config.within,
      interval: config.interval,
      signal: ctx.signal,
      observed: ctx.observed,
    });
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  }
  if (outcome?.ok) return { ok: true, output: lastBody.slice(0, MAX_OUTPUT_CHARS) };
  if (!outcome || ctx.signal.aborted) {
    return {
      ok: false,
      reason: `${config.method} ${config.url}: stopped (${String(ctx.signal.reason ?? 'aborted')})`,
    };
  }
  const waited =
    config.within === undefined
      ? ''
      : `; still failing after ${formatDuration(Date.now() - started)} and ${outcome.tries} ${outcome.tries === 1 ? 'try' : 'tries'}`;
  return { ok: false, reason: `${config.method} ${config.url}: ${outcome.detail}${waited}` };
}

interface Seen {
  status: number;
  body: string;
  /** Set when no response arrived: connection refused, timeout, DNS... */
  error?: string;
}

async function request(config: HttpConfig, abort: AbortSignal): Promise<Seen> {
  const signal = AbortSignal.any([abort, AbortSignal.timeout(config.timeout)]);
  const wantsRedirect = config.expect.status?.some((s) => s >= 300 && s < 400) ?? false;
  try {
    const response = await fetch(config.url, {
      method: config.method,
      headers: config.headers,
      ...(config.body === undefined ? {} : { body: config.body }),
      ...(config.jsonBody === undefined ? {} : { body: JSON.stringify(config.jsonBody) }),
      redirect: wantsRedirect ? 'manual' : 'follow',
      signal,
    });
    return { status: response.status, body: await readBounded(response) };
  } catch (error) {
    if (abort.aborted) throw error;
    return { status: 0, body: '', error: describeFetchError(error, config.timeout) };
  }
}

/** Reads at most MAX_BODY_BYTES of the body, then lets go of the rest. */
async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

function describeFetchError(error: unknown, timeout: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no response within ${formatDuration(timeout)}`;
  }
  const cause =
    error instanceof Error
      ? (error.cause as { code?: string; message?: string; errors?: Array<{ code?: string }> } | undefined)
      : undefined;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ENOTFOUND') return 'host not found (ENOTFOUND)';
  if (code) return `${cause?.message ?? 'request failed'} (${code})`;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * What is wrong with a response, or undefined when it meets every expectation: `problem` is
 * short for the per-attempt line, `detail` adds what was seen for the failure reason.
 */
function checkResponse(
  config: HttpConfig,
  status: number,
  body: string,
): { problem: string; detail: string } | undefined {
  const { expect } = config;
  const statusOk = expect.status ? expect.status.includes(status) : status >= 200 && status < 400;
  if (!statusOk) {
    const problem = `expected ${expect.status ? expect.status.join(' or ') : '200-399'}`;
    return { problem, detail: `status ${status}, ${problem}${bodyExcerpt(body)}` };
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    const problem = `body does not contain ${JSON.stringify(expect.bodyContains)}`;
    return { problem, detail: `${problem}${bodyExcerpt(body)}` };
  }
  if (expect.json.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: 'body is not JSON', detail: `body is not JSON${bodyExcerpt(body)}` };
  }
  for (const j of expect.json) {
    const at = valueAt(parsed, j.path);
    const where = formatJsonPath(j.path);
    const wanted = JSON.stringify(j.equals);
    if (!at.found) {
      const problem = `${where} is missing, expected ${wanted}`;
      return { problem, detail: `${problem}${bodyExcerpt(body)}` };
    }
    if (!jsonEquals(at.value, j.equals)) {
      const problem = `${where} is ${JSON.stringify(at.value)}, expected ${wanted}`;
      return { problem, detail: problem };
    }
  }
  return undefined;
}

function bodyExcerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  const cut = flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
  return `; body: ${cut}`;
}
