import { type RunSettings, runSettingsOf } from '../engine/run-settings.js';
import { RunbookError } from '../runbook/errors.js';
import { loadRunbook } from '../runbook/load.js';
import { readDeadlineFlag } from './deadline-flag.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, parseVarFlags, printRunbookError } from './io.js';
import { keepingStderr, suiteNameOf, writeRefusalJunit } from './refusal-report.js';
import { createRegistry } from './registry.js';
import { reportPathProblem } from './report-paths.js';
import type { SessionFlags } from './session-flags.js';

/** What `drillbook run` was given: the run's settings are flags of their own. */
export interface RunArgs extends SessionFlags, RunSettings {
  runbook: string;
  var?: string[] | undefined;
  /** `--run-dir`: this run's directory (default: a new one under .drillbook/runs/). */
  runDir?: string | undefined;
  /** `--deadline`: stop in time for rollback and finally to end by then (env DRILLBOOK_DEADLINE). */
  deadline?: string | undefined;
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
  const deadline = readDeadlineFlag(args.deadline, io.env, Date.now());
  if (!deadline.ok) {
    io.stderr.write(`drillbook run: ${deadline.message} (nothing was run)\n`);
    return EXIT.usage;
  }
  const vars = parseVarFlags(args.var);
  if (typeof vars === 'string') {
    io.stderr.write(`drillbook run: ${vars}\n`);
    return EXIT.usage;
  }
  const actions = createRegistry();
  let runbook: Awaited<ReturnType<typeof loadRunbook>>;
  try {
    runbook = await loadRunbook(actions, args.runbook, { vars, env: io.env });
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    printRunbookError(io, error);
    return EXIT.usage;
  }
  named.suite = runbook.name;
  return executeDrill(
    {
      actions,
      headless: args.headless,
      junit: args.junit,
      json: args.json,
      html: args.html,
      yes: args.yes,
      approve: args.approve,
      color: args.color,
      timestamps: args.timestamps,
      runbook,
      settings: runSettingsOf(args),
      varOverrides: vars,
      runDir: args.runDir,
      ...(deadline.deadline ? { deadline: deadline.deadline } : {}),
    },
    io,
  );
}
