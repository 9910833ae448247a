import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSpec } from '../../src/aws/settings.js';
import type { ActionResult } from '../../src/plugin/contract.js';
import { type ActionHarness, makeActionContext } from './action-context.js';
import { actions } from './registry.js';

/** An action harness whose `aws:` settings block is set, e.g. pointed at a sandbox endpoint. */
export function awsHarness(aws: AwsSpec, stepId = 'aws-step'): ActionHarness {
  return makeActionContext({ stepId, settings: { ...aws } });
}

/** Parses a raw config the way the loader does, then runs the action in the harness. */
export async function runAction(h: ActionHarness, type: string, raw: unknown): Promise<ActionResult> {
  const def = actions.get(type);
  if (!def) throw new Error(`no action ${type}`);
  return def.run(def.parse(raw), h.ctx);
}

/**
 * Points the SDK's default chain at nothing: no env keys, empty config and credentials
 * files, no instance metadata. Returns a restore function. Tests in one file share
 * process.env (each file runs in its own fork), so restore in afterEach.
 */
export function isolateAwsEnv(extra: Record<string, string> = {}): () => void {
  const keys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_ENDPOINT_URL',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) delete process.env[k];
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-aws-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
  return () => {
    for (const k of keys) {
      const v = saved[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** POSTs to the sandbox control API, like a drill step running `curl -X POST`. */
export async function control(controlUrl: string, path: string): Promise<void> {
  const res = await fetch(`${controlUrl}${path}`, { method: 'POST' });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
}
