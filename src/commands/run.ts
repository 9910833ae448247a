import { RunbookError } from '../runbook/errors.js';
import { loadRunbook } from '../runbook/load.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, parseVarFlags, printRunbookError } from './io.js';
import { reportPathProblem } from './report-paths.js';

export interface RunArgs {
  runbook: string;
  headless: boolean;
  junit?: string;
  json?: string;
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
}

export async function runCommand(args: RunArgs, io: CommandIo): Promise<number> {
  const badPath = reportPathProblem(io.cwd, args);
  if (badPath) {
    io.stderr.write(`drillbook run: ${badPath} (nothing was run)\n`);
    return EXIT.usage;
  }
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
  return executeDrill(
    {
      runbook,
      headless: args.headless,
      color: args.color !== false,
      ...(args.timestamps === undefined ? {} : { timestamps: args.timestamps }),
      junit: args.junit,
      json: args.json,
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
    },
    io,
  );
}
