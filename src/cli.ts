import type { Argv } from 'yargs';
import { EXIT, EXIT_CODES_HELP } from './commands/exit-codes.js';
import type { HistoryArgs } from './commands/history.js';
import { type CommandIo, processIo } from './commands/io.js';
import type { SessionFlags, Timestamps } from './commands/session-flags.js';
import { ROLLBACK_POLICIES } from './engine/run-settings.js';
import type { FlagDeclaration } from './plugin/contract.js';

export { failInternally } from './commands/internal-error.js';

/** Every command's help wraps at this width (narrower only on a narrower terminal). */
export const HELP_WIDTH = 100;
const helpWidth = () => Math.min(HELP_WIDTH, process.stdout.columns ?? HELP_WIDTH);

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
  const { createRegistry } = await import('./commands/registry.js');
  const { declaredFlags } = await import('./plugin/declarations.js');
  // The switches the actions declare (ssh: --accept-new-host-keys) are options of `run`.
  const flags = declaredFlags(createRegistry());
  let code: number = EXIT.passed;
  const parser = yargs(argv)
    .scriptName('drillbook')
    .usage(
      '$0 <command> [options]\n\nRun disaster-recovery and reliability drills from Markdown or YAML runbooks.',
    )
    .command(
      'run <runbook>',
      'Run a drill: a TUI at a terminal, headless (console + JUnit) otherwise',
      (y) =>
        runOptions(y, flags)
          .example('$0 run drill.md', 'a TUI at a terminal, else headless')
          .example('$0 run drill.md --yes --junit junit.xml', 'in CI: approve every gate, write JUnit')
          .example('$0 run drill.yaml --dry-run', 'walk the drill, run nothing'),
      async (a) => {
        const { runCommand } = await import('./commands/run.js');
        code = await runCommand(
          {
            ...sessionFlags(a),
            runbook: a.runbook,
            var: a.var,
            rollback: a.rollback,
            // Declared by the ssh action (a generated switch, so yargs does not type it).
            acceptNewHostKeys: a['accept-new-host-keys'] === true,
            only: a.only,
            from: a.from,
            skip: a.skip,
            dryRun: a.dryRun,
            failOnSkip: a.failOnSkip,
            runDir: a.runDir,
            deadline: a.deadline,
          },
          io,
        );
      },
    )
    .command(
      'validate <runbooks..>',
      'Check runbooks; print file:line:column for every problem',
      (y) =>
        plainPositional(
          y.positional('runbooks', { describe: 'Runbook files (.md, .yaml)', type: 'string' }),
          'runbooks',
        )
          .example('$0 validate drill.md', 'exit 2 and file:line:column if not valid')
          .example('$0 validate runbooks/*.md runbooks/*.yaml', 'check many at once'),
      async (a) => {
        const { validateCommand } = await import('./commands/validate.js');
        code = await validateCommand(a.runbooks as unknown as string[], io);
      },
    )
    .command(
      'plan <runbook>',
      'Show the resolved steps, hosts, gates and timeouts in order; nothing runs',
      (y) =>
        y
          .positional('runbook', { type: 'string', demandOption: true, describe: 'A .md or .yaml runbook' })
          .option('var', { type: 'string', array: true, describe: 'Set a variable: --var name=value' })
          .option('json', {
            type: 'boolean',
            describe:
              'Print the plan as JSON: steps and, per host, how ssh reaches it (hostname, port, user, proxies, keys, known_hosts)',
          })
          .example('$0 plan drill.md', 'every step in order, with hosts, gates and timeouts')
          .example('$0 plan drill.yaml --var env=staging', 'as it would run with this variable')
          .example('$0 plan drill.md --json', 'the same as JSON, with how each host is reached'),
      async (a) => {
        const { planCommand } = await import('./commands/plan.js');
        code = await planCommand(a.runbook, a.var, io, a.json === true);
      },
    )
    .command(
      'resume <run-dir>',
      'Continue an interrupted run from its journal (.drillbook/runs/<time>-<name>)',
      (y) =>
        gateOptions(reportOptions(y.positional('run-dir', RUN_DIR)))
          .option('deadline', {
            type: 'string',
            describe:
              'As for run: stop in time for rollback and finally to end by then (env DRILLBOOK_DEADLINE)',
          })
          .example('$0 resume .drillbook/runs/<dir>', 'continue after a crash or kill')
          .example('$0 resume .drillbook/runs/<dir> --yes', 'in CI: approve every gate'),
      async (a) => {
        const { resumeCommand } = await import('./commands/resume.js');
        code = await resumeCommand(
          { ...sessionFlags(a), runDir: a.runDir, failOnSkip: a.failOnSkip, deadline: a.deadline },
          io,
        );
      },
    )
    .command(
      'finally <run-dir>',
      "Run a killed run's pending undo and finally steps from its journal (e.g. after a CI abort)",
      (y) =>
        gateOptions(reportOptions(y.positional('run-dir', RUN_DIR)))
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'Run the finally steps (and pending undo) again even if the run already ran them',
          })
          .option('wait', {
            type: 'string',
            describe:
              'Wait up to this long (e.g. 15m) for a run still going to end, instead of refusing at once',
          })
          .example('$0 finally drill-runs/42 --yes --junit drill.xml', 'in Jenkins post { aborted }')
          .example('$0 finally .drillbook/runs/<dir>', 'after a kill -9: restore what the drill changed'),
      async (a) => {
        const { finallyCommand } = await import('./commands/finally.js');
        code = await finallyCommand(
          { ...sessionFlags(a), runDir: a.runDir, failOnSkip: a.failOnSkip, force: a.force, wait: a.wait },
          io,
        );
      },
    )
    .command(
      'report <run-dir>',
      "Print a run's summary, or rebuild its JUnit/JSON reports, from its journal (also after a kill)",
      (y) =>
        reportOptions(y.positional('run-dir', RUN_DIR))
          .example('$0 report .drillbook/runs/<dir>', 'print the summary table')
          .example('$0 report <run-dir> --junit junit.xml', 'write JUnit for Jenkins'),
      async (a) => {
        const { reportCommand } = await import('./commands/report.js');
        code = await reportCommand(
          {
            runDir: a['run-dir'] as string,
            ...(a.junit ? { junit: a.junit } : {}),
            ...(a.json ? { json: a.json } : {}),
            ...(a.html ? { html: a.html } : {}),
          },
          io,
        );
      },
    )
    .command(
      'history [dirs..]',
      'One row per past run with its measures and their trend; flags regressions (--regression)',
      (y) => historyOptions(y),
      async (a) => {
        const { historyCommand } = await import('./commands/history.js');
        code = await historyCommand(a as unknown as HistoryArgs, io);
      },
    )
    .command(
      'schema',
      'Print the runbook JSON Schema (for editors: yaml-language-server, VS Code)',
      (y) =>
        y
          .example('$0 schema > drillbook.schema.json', 'then point yaml-language-server at it')
          .example('$0 schema | jq .definitions.step', "a step's fields"),
      async () => {
        const { publishedRunbookSchema } = await import('./runbook/runbook-schema.js');
        const { createRegistry } = await import('./commands/registry.js');
        io.stdout.write(publishedRunbookSchema(createRegistry()));
      },
    )
    .command(
      'init <name>',
      'Write a commented starter runbook NAME.md or NAME.yaml (never overwrites a file)',
      (y) =>
        y
          .positional('name', { type: 'string', demandOption: true, describe: 'Runbook name or file' })
          .option('md', { type: 'boolean', describe: 'Write Markdown (the default)' })
          .option('yaml', { type: 'boolean', describe: 'Write YAML' })
          .conflicts('md', 'yaml')
          .example('$0 init failover', 'writes failover.md')
          .example('$0 init --yaml failover', 'writes failover.yaml'),
      async (a) => {
        const { initCommand } = await import('./commands/init/init.js');
        code = initCommand({ name: a.name, format: a.yaml ? 'yaml' : 'md' }, io);
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
          .strict()
          .wrap(helpWidth());
        const usage = await parseOrUsage(inner);
        if (usage !== undefined) {
          io.stderr.write(usageError(usage, argv));
          code = EXIT.usage;
          return;
        }
        // The sandbox command reports failure through process.exitCode.
        code = Number(process.exitCode ?? 0);
      },
    )
    .demandCommand(
      1,
      'Name a command: run, validate, plan, resume, finally, report, history, schema, init or sandbox',
    )
    .strict()
    .recommendCommands()
    .example('$0 init drill', 'write a starter runbook, drill.md')
    .example('$0 run drill.md', 'run it')
    .epilogue(EXIT_CODES_HELP)
    .wrap(helpWidth());
  skipHelpCache(parser);
  const usage = await parseOrUsage(parser);
  if (usage !== undefined) {
    // No command at all: the help is the answer. Anything else: the one line that is wrong.
    io.stderr.write(argv.length === 0 ? `${await parser.getHelp()}\n\n${usage}\n` : usageError(usage, argv));
    return EXIT.usage;
  }
  return code;
}

const COMMANDS = [
  'run',
  'validate',
  'plan',
  'resume',
  'finally',
  'report',
  'history',
  'schema',
  'init',
  'sandbox',
];

/** One line saying what is wrong, and where the help is; never the whole help. */
function usageError(message: string, argv: readonly string[]): string {
  const command = argv.find((a) => COMMANDS.includes(a));
  const help = command ? `drillbook ${command} --help` : 'drillbook --help';
  return `drillbook: ${message.replace(/\s*\n\s*/g, ' ')}\nhint: see ${help}\n`;
}

/**
 * `<runbooks..>` already says "one or more"; yargs would also print `[array] [required]
 * [default: []]` after the description. Show it as `[string] [required]` like the other
 * commands' positionals (yargs still collects the words into an array: it reads `..`).
 */
function plainPositional<T>(y: Argv<T>, key: string): Argv<T> {
  const options = (
    y as unknown as { getOptions?: () => { array?: string[]; default?: Record<string, unknown> } }
  ).getOptions?.();
  if (options?.array) options.array = options.array.filter((k) => k !== key);
  if (options?.default) delete options.default[key];
  return y;
}

const RUN_DIR = {
  type: 'string',
  demandOption: true,
  describe: 'A run directory, .drillbook/runs/<time>-<name>',
} as const;

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
      describe: 'A gate skipped (by a person or on_timeout: skip) fails the drill',
    })
    .option('color', {
      type: 'boolean',
      default: true,
      describe: 'Colours and styling in the TUI and console; --no-color (or NO_COLOR=1) turns them off',
    })
    .option('timestamps', {
      type: 'string',
      choices: ['iso', 'elapsed'],
      // A bare `--timestamps` means iso; yargs checks the choices after this.
      coerce: (value: string) => (value === '' ? 'iso' : value) as Timestamps,
      describe:
        'Headless: begin every line with the time (iso, the default) or the time since the start (elapsed)',
    });
}

/** The flags `run` and `resume` share, as parsed. */
function sessionFlags(a: {
  headless: boolean;
  junit: string | undefined;
  json: string | undefined;
  html: string | undefined;
  yes: boolean;
  approve: string[] | undefined;
  color: boolean;
  timestamps: Timestamps | undefined;
}): SessionFlags {
  return {
    headless: a.headless,
    junit: a.junit,
    json: a.json,
    html: a.html,
    yes: a.yes,
    approve: a.approve,
    color: a.color,
    timestamps: a.timestamps,
  };
}

function reportOptions<T>(y: Argv<T>) {
  return y
    .option('junit', { type: 'string', describe: 'Write a JUnit XML report (for Jenkins `junit`)' })
    .option('json', { type: 'string', describe: 'Write a JSON report' })
    .option('html', {
      type: 'string',
      describe: 'Write a self-contained HTML report: timeline, measures, gates, failures, trend',
    });
}

function runOptions<T>(y: Argv<T>, flags: readonly FlagDeclaration[]) {
  let options = gateOptions(
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
      choices: ROLLBACK_POLICIES,
      default: 'on-failure' as const,
      describe: 'When to run undo actions',
    });
  // The switches the actions declare, each a boolean that reaches its action as ctx.flags.
  for (const flag of flags)
    options = options.option(flag.name, { type: 'boolean', default: false, describe: flag.describe });
  return options
    .option('deadline', {
      type: 'string',
      describe:
        'Stop the drill in time for rollback and finally (finally_budget) to end by then, e.g. 90m; exit 124 (env DRILLBOOK_DEADLINE)',
    })
    .option('run-dir', {
      type: 'string',
      describe:
        "This run's directory (journal, meta.json), e.g. one per CI build; must not hold a run yet (env DRILLBOOK_RUN_DIR)",
    });
}

function historyOptions<T>(y: Argv<T>) {
  return y
    .positional('dirs', {
      type: 'string',
      array: true,
      default: [],
      describe: 'Run directories, directories of them, or JSON reports (default: .drillbook/runs)',
    })
    .option('json', { type: 'boolean', describe: 'Print the runs and regressions as JSON' })
    .option('csv', {
      type: 'boolean',
      describe: 'Print CSV: a header row, one row per run, seconds (for the Jenkins Plot plugin)',
    })
    .conflicts('json', 'csv')
    .option('regression', {
      type: 'string',
      describe:
        'Flag a measure more than PCT worse than the median of the runs before it (default 20%); exit 1 when the newest run regressed',
    })
    .option('window', {
      type: 'number',
      default: 5,
      describe: 'How many earlier runs the median is taken over',
    })
    .option('runbook', { type: 'string', describe: 'Only runs of the runbook with this name' })
    .option('last', { type: 'number', default: 500, describe: 'Read at most this many runs, the newest' })
    .example('$0 history', 'the runs under .drillbook/runs')
    .example('$0 history --regression 20%', 'in CI: exit 1 when the newest run is 20% slower')
    .example('$0 history drill-runs/42 --csv > measures.csv', "one build's run for the Plot plugin");
}
