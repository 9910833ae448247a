import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineEvent, RunStartEvent } from './events.js';
import type { RunMeta } from './journal.js';
import { eventMisfit, metaMisfit, newerFormat } from './journal-shape.js';
import type { ResumeState } from './runner.js';

export interface JournalContents {
  meta: RunMeta;
  events: EngineEvent[];
  start: RunStartEvent;
  /** False when the run was killed before it could write run-end. */
  finished: boolean;
}

export class JournalError extends Error {}

/** Reads a run directory. A cut last line (kill -9 mid-write) is dropped, not an error. */
export async function readJournal(runDir: string): Promise<JournalContents> {
  let metaText: string;
  let text: string;
  try {
    metaText = await readFile(join(runDir, 'meta.json'), 'utf8');
    text = await readFile(join(runDir, 'journal.jsonl'), 'utf8');
  } catch (error) {
    throw new JournalError(
      `${runDir}: not a drillbook run directory (${(error as NodeJS.ErrnoException).code ?? error}); expected meta.json and journal.jsonl, as in .drillbook/runs/<time>-<name>/`,
    );
  }
  const meta = parseMeta(join(runDir, 'meta.json'), metaText);
  const journalPath = join(runDir, 'journal.jsonl');
  const events: EngineEvent[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      // Only the last line can be cut by a kill; anything else is damage worth reporting.
      if (i < lines.length - 2 || (i === lines.length - 2 && lines[i + 1] !== ''))
        throw new JournalError(`${journalPath}:${i + 1}: damaged line in the journal`);
      return;
    }
    const problem = eventMisfit(event);
    if (problem) throw new JournalError(`${journalPath}:${i + 1}: damaged event in the journal: ${problem}`);
    events.push(event as EngineEvent);
  });
  const start = events[0];
  if (start?.type !== 'run-start')
    throw new JournalError(`${journalPath}: the run never started (no run-start event)`);
  return { meta, events, start, finished: events.some((e) => e.type === 'run-end') };
}

/** meta.json as the run wrote it; damage or a newer format is a JournalError naming the file. */
function parseMeta(path: string, text: string): RunMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text; the file's bytes are not echoed back.
    throw new JournalError(`${path}: damaged run record: not valid JSON`);
  }
  const newer = newerFormat(meta);
  if (newer) throw new JournalError(`${path}: ${newer}`);
  const problem = metaMisfit(meta);
  if (problem) throw new JournalError(`${path}: damaged run record: ${problem}`);
  return meta as RunMeta;
}

/**
 * What a resumed run carries over: passed main steps (parallel members each on their own),
 * their outputs, saved vars. A step rolled back after it passed is not passed any more: its
 * `step-undone` record, or in journals older than that record its undo's step-end, takes it
 * out, so resume runs it again.
 */
export function resumeStateFrom(journal: JournalContents): ResumeState {
  const passed = new Set(journal.start.resumed?.passed ?? []);
  const outputs: Record<string, string> = {};
  const vars: Record<string, string> = { ...journal.start.vars };
  const groupOf = new Map(journal.start.plan.flatMap((p) => (p.group ? [[p.id, p.group] as const] : [])));
  // An undone member leaves its group (and the group's group) not passed either.
  const undone = (id: string | undefined) => {
    for (let at = id; at !== undefined; at = groupOf.get(at)) passed.delete(at);
  };
  for (const e of journal.events) {
    if (e.type === 'step-undone') undone(e.stepId);
    if (e.type !== 'step-end') continue;
    if (e.phase === 'undo' && e.attempts > 0) undone(e.stepId.replace(/^undo\//, ''));
    if (e.status === 'passed' && e.phase === 'main') {
      passed.add(e.stepId);
      if (e.value !== undefined) outputs[e.stepId] = e.value;
      if (e.saved) vars[e.saved.name] = e.value ?? e.saved.value;
    }
  }
  return { runId: journal.start.runId, passed: [...passed], outputs, vars };
}
