import type { CommandModule } from 'yargs';
import { parseDuration } from '../runbook/duration.js';

const DEFAULT_STATE = '.drillbook/sandbox.json';

interface SandboxArgs {
  detach?: boolean;
  stop?: boolean;
  state?: string;
  port: number;
  'alarm-delay': string;
}

/** `drillbook sandbox`: the local practice world (blue/green + CloudWatch + Route 53 + SSM). */
export const sandboxCommand: CommandModule<object, SandboxArgs> = {
  command: 'sandbox',
  describe:
    'Run local blue/green Bookstore services with CloudWatch, Route 53 and SSM Run Command compatible endpoints',
  builder: (y) =>
    y
      .option('detach', {
        type: 'boolean',
        describe: 'Start in the background, write --state and exit once ready',
      })
      .option('stop', { type: 'boolean', describe: 'Stop the background sandbox named by --state' })
      .option('state', {
        type: 'string',
        describe: `State file (ports, pid, endpoints); default ${DEFAULT_STATE} with --detach/--stop`,
      })
      .option('port', {
        type: 'number',
        default: 0,
        describe: 'Fixed ports from this base: blue, green, front, aws, control (0 = free ports)',
      })
      .option('alarm-delay', {
        type: 'string',
        default: '1s',
        describe: 'How long a breakage holds before its alarm fires',
      })
      .conflicts('stop', 'detach')
      .example('$0 sandbox', 'run in the foreground until Ctrl-C')
      .example('$0 sandbox --detach', `start in the background (state in ${DEFAULT_STATE})`)
      .example('$0 sandbox --stop', 'stop it (in a finally step)'),
  handler: async (args) => {
    const alarmDelayMs = parseDuration(args['alarm-delay']);
    if (alarmDelayMs === undefined) {
      process.stderr.write(`--alarm-delay: "${args['alarm-delay']}" is not a duration (e.g. 500ms, 2s)\n`);
      process.exitCode = 2;
      return;
    }
    const options = { basePort: args.port, alarmDelayMs };
    const stateFile = args.state ?? DEFAULT_STATE;
    try {
      if (args.stop) {
        const { stopDetached } = await import('../sandbox/detach.js');
        process.stdout.write(`${await stopDetached(stateFile)}\n`);
      } else if (args.detach) {
        const [{ startDetached }, { describeSandbox }] = await Promise.all([
          import('../sandbox/detach.js'),
          import('../sandbox/format.js'),
        ]);
        const state = await startDetached(stateFile, options);
        process.stdout.write(
          `sandbox running in the background (pid ${state.pid}, state ${stateFile})\n${describeSandbox(state)}\n` +
            `Stop it with: drillbook sandbox --stop --state ${stateFile}\n`,
        );
      } else {
        const { runForeground } = await import('../sandbox/foreground.js');
        await runForeground(options, args.state);
      }
    } catch (error) {
      process.stderr.write(`drillbook sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
};
