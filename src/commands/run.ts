import { RunbookError } from '../runbook/errors.js';
import { loadRunbook } from '../runbook/load.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, parseVarFlags, printRunbookError } from './io.js';
import { keepingStderr, suiteNameOf, writeRefusalJunit } from './refusal-report.js';
import { reportPathProblem } from './report-paths.js';

export interface RunArgs {
  runbook: string;
  headless: boolean;
  junit?: string;
  json?: string;
  html?: string;
  yes: boolean;
  approve?: string[];
  var?: string[];
  only?: string[];
  from?: string;
  skip?: string[];
  dryRun: boolean;
  failOnSkip?: boolean;
  /** --no-color sets it false. */
  color?: boolean;
  timestamps?: 'iso' | 'elapsed';
  rollback: 'always' | 'on-failure' | 'never';
  acceptNewHostKeys: boolean;
  /** `--run-dir`: this run's directory (default: a new one under .drillbook/runs/). */
  runDir?: string;
}

export async function runCommand(args: RunArgs, io: CommandIo): Promise<number> {
  // The flag wins over the environment; an empty DRILLBOOK_RUN_DIR means "not set".
  const runDir = args.runDir ?? (io.env['DRILLBOOK_RUN_DIR'] || undefined);
  if (Array.isArray(args.runDir) || args.runDir === '') {
    io.stderr.write('drillbook run: --run-dir needs one directory name (nothing was run)\n');
    return EXIT.usage;
  }
  const badPath = reportPathProblem(io.cwd, { ...args, runDir });
  if (badPath) {
    io.stderr.write(`drillbook run: ${badPath} (nothing was run)\n`);
    return EXIT.usage;
  }
  // Exit 2 means nothing ran; with --junit, Jenkins still gets a report that says why.
  const { io: keeping, said } = keepingStderr(io);
  const named = { suite: suiteNameOf(args.runbook) };
  const code = await startRun({ ...args, ...(runDir === undefined ? {} : { runDir }) }, keeping, named);
  if (code === EXIT.usage && typeof args.junit === 'string')
    await writeRefusalJunit(io, args.junit, { suite: named.suite, reason: said(), exitCode: code });
  return code;
}

async function startRun(args: RunArgs, io: CommandIo, named: { suite: string }): Promise<number> {
  const vars = parseVarFlags(args.var);
  if (typeof vars === 'string') {
    io.stderr.write(`drillbook run: ${vars}\n`);
    return EXIT.usage;
  }
  let runbook: Awaited<ReturnType<typeof loadRunbook>>;
  try {
    runbook = await loadRunbook(args.runbook, { vars, env: io.env });
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    printRunbookError(io, error);
    return EXIT.usage;
  }
  named.suite = runbook.name;
  return executeDrill(
    {
      runbook,
      headless: args.headless,
      color: args.color !== false,
      ...(args.timestamps === undefined ? {} : { timestamps: args.timestamps }),
      junit: args.junit,
      json: args.json,
      html: args.html,
      yes: args.yes,
      approve: args.approve ?? [],
      rollback: args.rollback,
      acceptNewHostKeys: args.acceptNewHostKeys,
      only: args.only,
      from: args.from,
      skip: args.skip,
      dryRun: args.dryRun,
      failOnSkip: args.failOnSkip ?? false,
      varOverrides: vars,
      ...(args.runDir === undefined ? {} : { runDir: args.runDir }),
    },
    io,
  );
}
