import { type ActionDefinition, ConfigProblem } from '../plugin/contract.js';
import { ACCEPT_NEW_HOST_KEYS, PASSPHRASE_VAR, runOnHost } from '../ssh/host-step.js';

export interface SshConfig {
  hosts: string[];
  run?: string;
  upload?: { from: string; to: string; exclude: string[] };
  sudo: boolean;
  env: Record<string, string>;
}

/**
 * `ssh:` upload and/or run on one host or several in parallel, over one connection per host
 * that every step of the run reuses. The work lives in src/ssh/; ssh2 loads on first connect.
 */
export const sshAction: ActionDefinition<SshConfig> = {
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
        description: 'A host name from hosts:, or a list of them (run in parallel).',
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
    },
  },
  shellKeys: ['run'],
  parse(raw) {
    const r = raw as {
      host: string | string[];
      run?: string;
      upload?: { from: string; to: string; exclude?: string[] };
      sudo?: boolean;
      env?: Record<string, unknown>;
    };
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
    return `ssh ${c.hosts.join(',')}: ${what.join('; ')}`;
  },
  async run(config, ctx) {
    const parts = await Promise.all(config.hosts.map((host) => runOnHost(host, config, ctx)));
    const failed = parts.filter((p) => !p.ok);
    if (failed.length === 0) return { ok: true, parts };
    const reasons = failed.map((p) => p.reason ?? `${p.label} failed`).join('; ');
    const reason =
      config.hosts.length === 1 ? reasons : `${failed.length} of ${parts.length} hosts failed: ${reasons}`;
    return { ok: false, reason, parts };
  },
};

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …(+${lines.length - 1} lines)` : (lines[0] ?? '');
}
