import type { RunMeta } from '../engine/journal.js';
import type { ActionRegistry } from '../plugin/contract.js';
import { RunbookError } from '../runbook/errors.js';
import { loadRunbook } from '../runbook/load.js';
import type { Runbook } from '../runbook/model.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, printRunbookError } from './io.js';
import { createRegistry } from './registry.js';

/**
 * The runbook an earlier run recorded in its meta.json, loaded with that run's vars, for
 * `resume` and `finally`. An invalid runbook is printed with its positions: exit 2. The caller
 * still compares digests (what a changed runbook means differs between the two commands).
 */
export async function loadRecordedRunbook(
  meta: RunMeta,
  io: CommandIo,
): Promise<{ runbook: Runbook; actions: ActionRegistry } | typeof EXIT.usage> {
  const actions = createRegistry();
  try {
    return { runbook: await loadRunbook(actions, meta.runbook, { vars: meta.vars, env: io.env }), actions };
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    printRunbookError(io, error);
    return EXIT.usage;
  }
}
