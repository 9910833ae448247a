import { connect } from 'node:net';
import {
  type ActionContext,
  type ActionDefinition,
  type ActionResult,
  ConfigProblem,
  type RawDuration,
} from '../plugin/contract.js';
import { pollUntil } from '../plugin/poll.js';
import {
  DURATION_SCHEMA,
  type Duration,
  formatDuration,
  POLL_INTERVAL,
  toDuration,
} from '../runbook/duration.js';
import { durationAt } from './duration-field.js';

export interface TcpConfig {
  /** A host name from hosts: (its address is used) or an address. */
  host: string;
  /** A number, or a template that must fill to one. */
  port: number | string;
  /** Keep trying this long; undefined = one try. */
  within?: Duration;
}

/** `tcp:` as written; the one type its schema below describes. */
export interface RawTcpConfig {
  host: string;
  port: number | string;
  within?: RawDuration;
}

const INTERVAL = toDuration(1000);

/** `tcp:` passes when a TCP connection to host:port opens (then closes it at once); a probe for `wait: until:`. */
export const tcpAction: ActionDefinition<TcpConfig, RawTcpConfig> = {
  name: 'tcp',
  description:
    'Check that a TCP port accepts connections (host from hosts: or an address), or wait `within` for it.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port'],
    properties: {
      host: { type: 'string', minLength: 1, description: 'A host name from hosts:, or an address.' },
      port: {
        anyOf: [
          { type: 'integer', minimum: 1, maximum: 65535 },
          { type: 'string', minLength: 1 },
        ],
      },
      within: { ...DURATION_SCHEMA, description: 'Keep trying this long (default: one try).' },
    },
  },
  parse(r) {
    if (typeof r.port === 'string' && !r.port.includes('{{') && portOf(r.port) === undefined)
      throw new ConfigProblem('port', `port must be a number from 1 to 65535, got "${r.port}"`);
    const within = durationAt(r.within, 'within', POLL_INTERVAL);
    return { host: r.host, port: r.port, ...(within === undefined ? {} : { within }) };
  },
  polls: (c) => c.within !== undefined,
  summary: (c) =>
    `tcp ${c.host}:${c.port}${c.within === undefined ? '' : ` (up to ${formatDuration(c.within)})`}`,
  run: (c, ctx) => runTcp(c, ctx),
};

function portOf(value: number | string): number | undefined {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

async function runTcp(c: TcpConfig, ctx: ActionContext): Promise<ActionResult> {
  const port = portOf(c.port);
  if (port === undefined)
    return { ok: false, reason: `port must be a number from 1 to 65535, got "${c.port}"` };
  const address = ctx.hosts[c.host]?.host ?? c.host;
  const where = `${c.host}:${port}${address === c.host ? '' : ` (${address})`}`;
  let outcome: Awaited<ReturnType<typeof pollUntil>> | undefined;
  try {
    outcome = await pollUntil(
      async () => {
        const failure = await tryConnect(address, port, ctx.signal);
        return failure === undefined ? { ok: true, detail: '' } : { ok: false, detail: failure };
      },
      { within: c.within, interval: INTERVAL, signal: ctx.signal, observed: ctx.observed },
    );
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  }
  if (outcome?.ok) {
    ctx.output('info', `connected to ${where}\n`);
    return { ok: true };
  }
  if (!outcome || ctx.signal.aborted)
    return { ok: false, reason: `tcp ${where}: stopped (${String(ctx.signal.reason ?? 'aborted')})` };
  const within = c.within === undefined ? '' : ` within ${formatDuration(c.within)}`;
  return { ok: false, reason: `no TCP connection to ${where}${within}: ${outcome.detail}` };
}

/** Opens and closes one connection; resolves with why it failed, or undefined when it opened. */
function tryConnect(host: string, port: number, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(error.code ?? error.message);
    });
  });
}
