import type { ActionContext, SettingsBlock } from '../plugin/contract.js';
import type { AwsSpec } from './settings.js';

/** `aws:` at the top of a runbook: where the AWS actions (cloudwatch_alarm, route53, ssm) call. */
export const AWS_SETTINGS: SettingsBlock = {
  key: 'aws',
  schema: {
    description:
      'AWS region, profile, and an endpoint (e.g. the sandbox) for cloudwatch_alarm, route53 and ssm.',
    type: 'object',
    additionalProperties: false,
    properties: { region: { type: 'string' }, profile: { type: 'string' }, endpoint: { type: 'string' } },
  },
  planLine: (s) =>
    s['region'] || s['endpoint']
      ? `AWS: region ${s['region'] || '(default)'}${s['endpoint'] ? `, endpoint ${s['endpoint']}` : ''}`
      : undefined,
};

/** The step's `aws:` as filled for it (only the fields the schema allows reach here). */
export function awsSpec(ctx: ActionContext): AwsSpec {
  const { region, profile, endpoint } = ctx.settings;
  return {
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}
