import { resolve } from 'node:path';
import { type ActionDefinition, ConfigProblem } from '../plugin/contract.js';
import { describeLeftovers } from '../plugin/leftovers.js';
import { type GroupResult, runInProcessGroup } from '../plugin/process.js';
import { READ_LARGE_VALUES, shellAssignments, splitBySize } from '../runbook/large-values.js';
import { tooLargeToStart } from './spawn-limits.js';

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

/** `run:` as written: shell text, or the long form. The one type its schema below describes. */
export type RawRunConfig =
  | string
  | { command: string; env?: Record<string, string | number | boolean>; cwd?: string; shell?: 'sh' | 'bash' };

/** `run:` a local command through `/bin/sh -c`, in its own process group. */
export const runAction: ActionDefinition<RunConfig, RawRunConfig> = {
  name: 'run',
  description:
    'Run shell text locally with /bin/sh -c (a string, or { command, env, cwd }). Templates reach the shell as data.',
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
          shell: {
            enum: ['sh', 'bash'],
            description:
              'The shell that runs the command: sh (/bin/sh, the default) or bash (what a ```bash block means)',
          },
        },
      },
    ],
  },
  shellKeys: ['command'],
  parse(r) {
    if (typeof r === 'string') return { command: r, env: {} };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.env ?? {})) {
      // As ssh: does: `A=B: x` would set A, not a variable called "A=B".
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new ConfigProblem(`env.${k}`, `'${k}' is not a valid environment variable name`);
      env[k] = String(v);
    }
    const config: RunConfig = { command: r.command, env };
    if (r.cwd !== undefined) config.cwd = r.cwd;
    if (r.shell === 'bash') config.shell = 'bash';
    return config;
  },
  summary: (c) => `${c.shell ?? 'sh'}: ${firstLine(c.command)}`,
  async run(config, ctx) {
    // The values of the command's templates: the text only refers to them by name. Most go
    // in the environment; one too large for it arrives on stdin as an unexported variable.
    const { small, large } = splitBySize(ctx.shellValues);
    const env: Record<string, string> = { ...ctx.env, ...config.env, ...small };
    for (const name of Object.keys(large)) delete env[name];
    const input = Object.keys(large).length > 0 ? shellAssignments(large) : undefined;
    const command = input === undefined ? config.command : `${READ_LARGE_VALUES}${config.command}`;
    let result: GroupResult;
    try {
      result = await runInProcessGroup({
        command,
        cwd: config.cwd ? resolve(ctx.cwd, config.cwd) : ctx.cwd,
        env,
        ...(input === undefined ? {} : { input }),
        signal: ctx.signal,
        onStdout: (t) => ctx.output('stdout', t),
        onStderr: (t) => ctx.output('stderr', t),
        ...(ctx.leaveRunning ? { leaveRunning: true } : {}),
        ...(config.shell ? { shell: config.shell } : {}),
      });
    } catch (error) {
      const reason = tooLargeToStart(error, command, env);
      if (reason === undefined) throw error;
      return { ok: false, reason };
    }
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
