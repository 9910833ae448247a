import { resolve } from 'node:path';
import { describeLeftovers } from '../engine/leftovers.js';
import { runInProcessGroup } from '../engine/process-group.js';
import type { ActionDefinition } from './types.js';

export interface RunConfig {
  command: string;
  env: Record<string, string>;
  cwd?: string;
  /**
   * `bash` runs the command with bash instead of `/bin/sh` (dash on Debian): a ```bash block
   * means bash, and under dash `[[ $x != ok ]]` is "command not found", a false condition
   * that would let a check on a broken system pass.
   */
  shell?: 'bash';
}

/** `run:` a local command through `/bin/sh -c`, in its own process group. */
export const runAction: ActionDefinition<RunConfig> = {
  name: 'run',
  schema: {
    oneOf: [
      { type: 'string', minLength: 1 },
      {
        type: 'object',
        additionalProperties: false,
        required: ['command'],
        properties: {
          command: { type: 'string', minLength: 1 },
          env: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
          cwd: { type: 'string' },
          shell: { enum: ['sh', 'bash'] },
        },
      },
    ],
  },
  shellKeys: ['command'],
  parse(raw) {
    if (typeof raw === 'string') return { command: raw, env: {} };
    const r = raw as { command: string; env?: Record<string, unknown>; cwd?: string; shell?: 'sh' | 'bash' };
    const env = Object.fromEntries(Object.entries(r.env ?? {}).map(([k, v]) => [k, String(v)]));
    const config: RunConfig = { command: r.command, env };
    if (r.cwd !== undefined) config.cwd = r.cwd;
    if (r.shell === 'bash') config.shell = 'bash';
    return config;
  },
  summary: (c) => `${c.shell ?? 'sh'}: ${firstLine(c.command)}`,
  async run(config, ctx) {
    const result = await runInProcessGroup({
      command: config.command,
      cwd: config.cwd ? resolve(ctx.cwd, config.cwd) : ctx.cwd,
      // The values of the command's templates: the text only refers to them by name.
      env: { ...ctx.env, ...config.env, ...ctx.shellValues },
      signal: ctx.signal,
      onStdout: (t) => ctx.output('stdout', t),
      onStderr: (t) => ctx.output('stderr', t),
      ...(ctx.leaveRunning ? { leaveRunning: true } : {}),
      ...(config.shell ? { shell: config.shell } : {}),
    });
    if (result.leftovers.length > 0)
      ctx.output('info', describeLeftovers(result.leftovers, !ctx.leaveRunning));
    if (result.aborted)
      return { ok: false, reason: `command stopped: ${String(ctx.signal.reason ?? 'aborted')}` };
    if (result.code === 0) return { ok: true };
    if (result.signal) return { ok: false, reason: `command killed by ${result.signal}` };
    return { ok: false, reason: `command exited with status ${result.code}` };
  },
};

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …(+${lines.length - 1} lines)` : (lines[0] ?? '');
}
