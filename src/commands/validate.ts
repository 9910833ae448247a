import { planSteps } from '../engine/plan.js';
import { describeCount, numberSteps } from '../report/step-numbers.js';
import { RunbookError } from '../runbook/errors.js';
import { escapeUnsafe } from '../runbook/escape.js';
import { loadRunbook } from '../runbook/load.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, printRunbookError } from './io.js';
import { createRegistry } from './registry.js';

/** Validates every file; prints each one's problems. Exit 0 when all are valid, else 2. */
export async function validateCommand(files: string[], io: CommandIo): Promise<number> {
  let bad = 0;
  const actions = createRegistry();
  for (const file of files) {
    try {
      const runbook = await loadRunbook(actions, file, { env: io.env });
      // The same count as plan and run: main steps, with finally and steady state apart.
      const count = describeCount(numberSteps(planSteps(runbook)));
      io.stdout.write(`${escapeUnsafe(file)}: valid (${count})\n`);
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      bad++;
      printRunbookError(io, error);
    }
  }
  return bad > 0 ? EXIT.usage : EXIT.passed;
}
