/** The runbook's `aws:` block, as the AWS actions read it (see AWS_SETTINGS in aws/block.ts). */
export interface AwsSpec {
  region?: string;
  profile?: string;
  endpoint?: string;
}

/** Credentials the SDK reads from the environment: the run masks them like declared secrets. */
export const AWS_SECRET_VARS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** Credentials for loopback endpoints when none are configured; the sandbox accepts any key. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;

export interface ClientSettings {
  region?: string;
  profile?: string;
  endpoint?: string;
  /** Set only for a loopback endpoint with no credentials configured. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * Client settings from the runbook's `aws:` plus the SDK's default chain (env, config files,
 * SSO, instance roles). For a loopback endpoint (the sandbox, local emulators) with nothing
 * configured, it uses dummy credentials and a default region instead: a local endpoint then
 * works out of the box, and real credentials are never sent to it by accident.
 */
export function clientSettings(spec: AwsSpec, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const settings: ClientSettings = {};
  if (spec.region) settings.region = spec.region;
  if (spec.profile) settings.profile = spec.profile;
  if (spec.endpoint) settings.endpoint = spec.endpoint;
  if (isLoopback(spec.endpoint)) {
    const configured = spec.profile || env['AWS_PROFILE'] || env['AWS_ACCESS_KEY_ID'];
    if (!configured) settings.credentials = { ...SANDBOX_CREDENTIALS };
    settings.region ??= env['AWS_REGION'] || 'us-east-1';
  }
  return settings;
}

/** Cache key: one client per service and settings for the whole run. */
export function settingsKey(service: string, s: ClientSettings): string {
  return `aws:${service}:${s.region ?? ''}|${s.profile ?? ''}|${s.endpoint ?? ''}|${s.credentials ? 'sandbox' : 'chain'}`;
}
