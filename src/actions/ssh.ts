import { type ActionDefinition, ConfigProblem } from '../plugin/contract.js';
import { describeFanOut, fanOutSchema, parseFanOut } from '../ssh/fan-out-options.js';
import { type FanOutStep, runFanOut } from '../ssh/fan-out-step.js';
import { ACCEPT_NEW_HOST_KEYS, PASSPHRASE_VAR } from '../ssh/host-step.js';

export type SshConfig = FanOutStep;

/** `ssh:` as written; the one type its schema below describes. */
export interface RawSshConfig {
  host: string | string[];
  run?: string;
  upload?: { from: string; to: string; exclude?: string[] };
  sudo?: boolean;
  env?: Record<string, string | number | boolean>;
  concurrency?: number | string;
  max_errors?: number | string;
  batches?: Array<number | string>;
}

/**
 * `ssh:` upload and/or run on one host or several in parallel, over one connection per host
 * that every step of the run reuses. The work lives in src/ssh/; ssh2 loads on first connect.
 */
export const sshAction: ActionDefinition<SshConfig, RawSshConfig> = {
  name: 'ssh',
  description: 'Run shell text on hosts from hosts: over OpenSSH.',
  secrets: [PASSPHRASE_VAR],
  flags: [{ name: ACCEPT_NEW_HOST_KEYS, describe: 'Trust unknown SSH host keys (never changed ones)' }],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: {
        description:
          'A host or group name from hosts: or a glob over host names (web-*), or a list of them (duplicates count once).',
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
        ],
      },
      run: { type: 'string', minLength: 1, description: 'Shell text run by the remote login shell.' },
      upload: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        description:
          'Before run: copy a file or a directory tree (relative to the runbook) into a remote directory.',
        properties: {
          from: { type: 'string', minLength: 1 },
          to: { type: 'string', minLength: 1 },
          exclude: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description:
              'Globs (relative to from) left out of the upload, e.g. ["*.pyc", "node_modules", "docs/**"]; .git, .hg, .svn, .bzr, CVS and _darcs are always left out.',
          },
        },
      },
      sudo: { type: 'boolean', description: 'Run as root via `sudo -n sh` (the script goes on its stdin).' },
      env: {
        type: 'object',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
      ...fanOutSchema,
    },
  },
  shellKeys: ['run'],
  parse(r) {
    if (r.run === undefined && r.upload === undefined) {
      throw new ConfigProblem(
        '',
        'ssh needs run:, upload:, or both',
        'e.g. ssh: { host: blue, run: uptime }',
      );
    }
    if (r.sudo && r.run === undefined)
      throw new ConfigProblem('sudo', 'sudo: applies to run:, and there is no run:');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new ConfigProblem(`env.${k}`, `'${k}' is not a valid environment variable name`);
      env[k] = String(v);
    }
    const config: SshConfig = {
      hosts: typeof r.host === 'string' ? [r.host] : [...r.host],
      sudo: r.sudo ?? false,
      env,
      fanOut: parseFanOut(r),
    };
    if (r.run !== undefined) config.run = r.run;
    if (r.upload !== undefined)
      config.upload = { from: r.upload.from, to: r.upload.to, exclude: [...(r.upload.exclude ?? [])] };
    return config;
  },
  hosts: (c) => c.hosts,
  summary(c) {
    const what = [
      c.upload ? `upload ${c.upload.from} → ${c.upload.to}` : undefined,
      c.run === undefined ? undefined : `${c.sudo ? 'sudo ' : ''}${firstLine(c.run)}`,
    ].filter((s) => s !== undefined);
    const limits = describeFanOut(c.fanOut);
    return `ssh ${c.hosts.join(',')}${limits ? ` (${limits})` : ''}: ${what.join('; ')}`;
  },
  run: (config, ctx) => runFanOut(config, ctx),
};

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …(+${lines.length - 1} lines)` : (lines[0] ?? '');
}
