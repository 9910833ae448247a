import type { Argv } from 'yargs';
import { EXIT, EXIT_CODES_HELP } from './commands/exit-codes.js';
import { type CommandIo, processIo } from './commands/io.js';
import type { ResumeArgs } from './commands/resume.js';
import type { RunArgs } from './commands/run.js';

export { failInternally } from './commands/internal-error.js';

const ROLLBACK = ['always', 'on-failure', 'never'] as const;

/**
 * Entry point: parses argv, runs one command, resolves with the exit code. Usage errors
 * print yargs' message and the usage, exit 2. Commands load their modules lazily so
 * `validate` never pays for the TUI or the AWS SDK.
 */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  // `validate FILE...` with no options means the same to yargs; skipping it saves loading
  // yargs and the help text it renders after every command, about as long as Node's own
  // start. validate runs in editors and commit hooks, where that is most of its time.
  const [command, ...files] = argv;
  if (command === 'validate' && files.length > 0 && files.every((f) => f !== '' && !f.startsWith('-'))) {
    const { validateCommand } = await import('./commands/validate.js');
    return validateCommand(files, io);
  }
  const { default: yargs } = await import('yargs');
  let code: number = EXIT.passed;
  const parser = yargs(argv)
    .scriptName('drillbook')
    .usage(
      '$0 <command> [options]\n\nRun disaster-recovery and reliability drills from Markdown or YAML runbooks.',
    )
    .command(
      'run <runbook>',
      'Run a drill: a TUI at a terminal, headless (console + JUnit) otherwise',
      (y) => runOptions(y),
      async (a) => {
        const { runCommand } = await import('./commands/run.js');
        code = await runCommand(a as unknown as RunArgs, io);
      },
    )
    .command(
      'validate <runbooks..>',
      'Check runbooks; print file:line:column for every problem',
      (y) => y.positional('runbooks', { type: 'string', array: true, demandOption: true }),
      async (a) => {
        const { validateCommand } = await import('./commands/validate.js');
        code = await validateCommand(a.runbooks as string[], io);
      },
    )
    .command(
      'plan <runbook>',
      'Show the resolved steps, hosts, gates and timeouts in order; nothing runs',
      (y) =>
        y
          .positional('runbook', { type: 'string', demandOption: true })
          .option('var', { type: 'string', array: true, describe: 'Set a variable: --var name=value' }),
      async (a) => {
        const { planCommand } = await import('./commands/plan.js');
        code = await planCommand(a.runbook, a.var, io);
      },
    )
    .command(
      'resume <run-dir>',
      'Continue an interrupted run from its journal (.drillbook/runs/<time>-<name>)',
      (y) => gateOptions(reportOptions(y.positional('run-dir', { type: 'string', demandOption: true }))),
      async (a) => {
        const { resumeCommand } = await import('./commands/resume.js');
        code = await resumeCommand({ ...(a as unknown as ResumeArgs), runDir: a['run-dir'] as string }, io);
      },
    )
    .command(
      'report <run-dir>',
      'Rebuild JUnit/JSON reports from a run journal (also after the run was killed)',
      (y) => reportOptions(y.positional('run-dir', { type: 'string', demandOption: true })),
      async (a) => {
        const { reportCommand } = await import('./commands/report.js');
        code = await reportCommand(
          {
            runDir: a['run-dir'] as string,
            ...(a.junit ? { junit: a.junit } : {}),
            ...(a.json ? { json: a.json } : {}),
          },
          io,
        );
      },
    )
    .command(
      'sandbox',
      'Local blue/green services and CloudWatch/Route 53 compatible endpoints for practice (see sandbox --help)',
      (y) => y.help(false).version(false).strict(false),
      async () => {
        // The sandbox command parses its own options (so this file stays small and fast).
        const { sandboxCommand } = await import('./commands/sandbox.js');
        const inner = yargs(argv)
          .scriptName('drillbook')
          .command(sandboxCommand as never)
          .strict();
        const usage = await parseOrUsage(inner);
        if (usage !== undefined) {
          io.stderr.write(`${await inner.getHelp()}\n\n${usage}\n`);
          code = EXIT.usage;
          return;
        }
        // The sandbox command reports failure through process.exitCode.
        code = Number(process.exitCode ?? 0);
      },
    )
    .demandCommand(1, 'Name a command: run, validate, plan, resume, report or sandbox')
    .strict()
    .recommendCommands()
    .epilogue(EXIT_CODES_HELP)
    .wrap(Math.min(110, process.stdout.columns ?? 100));
  skipHelpCache(parser);
  const usage = await parseOrUsage(parser);
  if (usage !== undefined) {
    io.stderr.write(`${await parser.getHelp()}\n\n${usage}\n`);
    return EXIT.usage;
  }
  return code;
}

/**
 * yargs renders the whole help text as soon as a command's handler starts, to have it ready
 * for a later showHelp(). drillbook never asks for it after that point (usage errors print
 * getHelp(), which renders afresh), and the render cost ~45 ms of every `run` (string-width
 * over every line), about as long as Node's own start. This reaches into yargs' internals,
 * so it does nothing when they are not there.
 */
function skipHelpCache(parser: Argv): void {
  type Internals = { getUsageInstance?: () => { cacheHelpMessage?: unknown } | undefined };
  const internals = (parser as unknown as { getInternalMethods?: () => Internals }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * Parses, turning yargs' usage failures into a message (exit 2 for the caller) instead of a
 * throw. yargs still calls the command's handler after a validation failure, so a middleware
 * stops there: a usage error never runs a drill (e.g. with `--rollback nevr`).
 */
async function parseOrUsage(parser: Argv): Promise<string | undefined> {
  let usage: string | undefined;
  parser
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usage = message;
    })
    .middleware(() => {
      if (usage !== undefined) throw new Error(usage);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (usage === undefined) throw error;
  }
  return usage;
}

function gateOptions<T>(y: Argv<T>) {
  return y
    .option('headless', {
      type: 'boolean',
      default: false,
      describe: 'No TUI, even at a terminal (automatic in CI or when piped)',
    })
    .option('yes', {
      alias: 'y',
      type: 'boolean',
      default: false,
      describe: 'Approve every confirmation gate',
    })
    .option('approve', {
      type: 'string',
      array: true,
      describe: 'Approve the gates of these step ids (also DRILLBOOK_APPROVE)',
    })
    .option('fail-on-skip', {
      type: 'boolean',
      default: false,
      describe: 'A gate skipped (by a person or on_timeout: skip) fails the drill (exit 1)',
    })
    .option('color', {
      type: 'boolean',
      default: true,
      describe: 'Colours and styling in the TUI and console; --no-color (or NO_COLOR=1) turns them off',
    })
    .option('timestamps', {
      type: 'string',
      choices: ['iso', 'elapsed'],
      coerce: (value: string) => (value === '' ? 'iso' : value),
      describe:
        'Headless: begin every line with the time (iso, the default) or the time since the start (elapsed)',
    });
}

function reportOptions<T>(y: Argv<T>) {
  return y
    .option('junit', { type: 'string', describe: 'Write a JUnit XML report (for Jenkins `junit`)' })
    .option('json', { type: 'string', describe: 'Write a JSON report' });
}

function runOptions<T>(y: Argv<T>) {
  return gateOptions(
    reportOptions(
      y.positional('runbook', { type: 'string', demandOption: true, describe: 'A .md or .yaml runbook' }),
    ),
  )
    .option('var', { type: 'string', array: true, describe: 'Set a variable: --var name=value (repeatable)' })
    .option('only', { type: 'string', array: true, describe: 'Run only these step ids (finally still runs)' })
    .option('from', { type: 'string', describe: 'Start at this step id' })
    .option('skip', { type: 'string', array: true, describe: 'Skip these step ids' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Walk the drill, run nothing' })
    .option('rollback', {
      choices: ROLLBACK,
      default: 'on-failure' as const,
      describe: 'When to run undo actions',
    })
    .option('accept-new-host-keys', {
      type: 'boolean',
      default: false,
      describe: 'Trust unknown SSH host keys (never changed ones)',
    });
}
