import type { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, stepLogger, withoutNodeVersionWarning } from './clients.js';
import { type AwsSpec, clientSettings, settingsKey } from './settings.js';

/** What an SSM call needs from the step running it (a structural slice of the action context). */
export interface SsmStepContext {
  aws: AwsSpec;
  signal: AbortSignal;
  output(stream: 'stdout' | 'stderr' | 'info', text: string, label?: string): void;
  resources: {
    get<T>(key: string, create: () => T, dispose?: (value: T) => Promise<void> | void): T;
  };
}

/**
 * The run's SSM client, created on first use like the CloudWatch and Route 53 ones (see
 * clients.ts): the SDK is imported here, so `validate`, `plan` and drills without `ssm:`
 * steps never load it.
 */
export function ssmClient(ctx: SsmStepContext): Promise<SSMClient> {
  const settings = clientSettings(ctx.aws);
  const logger = stepLogger(ctx);
  return ctx.resources.get(
    settingsKey('ssm', settings),
    async () => {
      const { SSMClient } = await import('@aws-sdk/client-ssm');
      return withoutNodeVersionWarning(() => new SSMClient(clientConfig(settings, logger)));
    },
    async (client) => (await client.catch(() => undefined))?.destroy(),
  );
}
