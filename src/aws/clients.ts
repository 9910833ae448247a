import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { ActionContext } from '../plugin/contract.js';
import { awsSpec } from './block.js';
import { type ClientSettings, clientSettings, settingsKey } from './settings.js';

/**
 * SDK clients, created on first use and shared by every step of one run (ctx.resources
 * destroys them at the end). The SDK is imported here, inside run(), never at module load:
 * `validate` and `plan`, and drills without AWS steps, never pay for loading it.
 * The SDK's default retry strategy (3 attempts, backoff on throttling and 5xx) is kept.
 */
export function cloudWatchClient(ctx: ActionContext): Promise<CloudWatchClient> {
  const settings = clientSettings(awsSpec(ctx));
  const logger = stepLogger(ctx);
  return ctx.resources.get(
    settingsKey('cloudwatch', settings),
    async () => {
      const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
      return withoutNodeVersionWarning(() => new CloudWatchClient(clientConfig(settings, logger)));
    },
    async (client) => (await client.catch(() => undefined))?.destroy(),
  );
}

export function route53Client(ctx: ActionContext): Promise<Route53Client> {
  const settings = clientSettings(awsSpec(ctx));
  // Route 53 is global: its API lives in us-east-1 whatever region the drill is about.
  settings.region ??= 'us-east-1';
  const logger = stepLogger(ctx);
  return ctx.resources.get(
    settingsKey('route53', settings),
    async () => {
      const { Route53Client } = await import('@aws-sdk/client-route-53');
      return withoutNodeVersionWarning(() => new Route53Client(clientConfig(settings, logger)));
    },
    async (client) => (await client.catch(() => undefined))?.destroy(),
  );
}

/**
 * The SDK writes some warnings (e.g. "Multiple credential sources detected" when both
 * AWS_PROFILE and access keys are set) with console.warn unless given a logger; on a TUI that
 * would corrupt the screen. This logger sends warnings to the output of the step that is
 * using the client (clients are shared, so it follows the latest step). `info` and `error`
 * stay silent: the SDK logs every request and response there, and we report errors ourselves.
 */
export interface SdkLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

export function stepLogger(ctx: Pick<ActionContext, 'resources' | 'output'>): SdkLogger {
  const sink = ctx.resources.get('aws:logger-sink', () => ({ output: ctx.output }));
  sink.output = ctx.output;
  return ctx.resources.get(
    'aws:logger',
    (): SdkLogger => ({
      debug() {},
      info() {},
      error() {},
      warn(...content) {
        const text = content.filter((c) => typeof c === 'string').join(' ');
        if (text) sink.output('stderr', `AWS SDK: ${text.trim()}\n`);
      },
    }),
  );
}

export function clientConfig(s: ClientSettings, logger: SdkLogger) {
  return {
    logger,
    ...(s.region ? { region: s.region } : {}),
    ...(s.profile ? { profile: s.profile } : {}),
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
    // A hung endpoint must not hold a step until its timeout without saying why.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  };
}

const WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * On Node < 22 the SDK's client constructor calls process.emitWarning("NodeVersionSupportWarning:
 * ...") once per process (@aws-sdk/core emitWarningIfUnsupportedVersion), which would land on
 * the terminal and in reports. Its documented switch is this environment variable, read in the
 * constructor; we set it for the construction only, so exactly that warning is silenced and
 * child processes of later steps see the environment unchanged.
 */
export function withoutNodeVersionWarning<T>(make: () => T): T {
  const before = process.env[WARNING_SWITCH];
  process.env[WARNING_SWITCH] = 'true';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env[WARNING_SWITCH];
    else process.env[WARNING_SWITCH] = before;
  }
}
