import { resolve } from 'node:path';

/**
 * Why the `--junit` / `--json` paths cannot be used, checked before anything runs, or
 * undefined. A report written over the other report, or over the runbook, silently lost it
 * (the drill still exited 0); an option given twice left no report at all, found out only
 * after the drill had run.
 */
export function reportPathProblem(
  cwd: string,
  args: { junit?: unknown; json?: unknown; html?: unknown; runbook?: unknown; runDir?: unknown },
): string | undefined {
  for (const option of REPORTS) {
    const value = args[option];
    if (Array.isArray(value)) return `--${option} was given ${value.length} times; give it once (one file)`;
    if (value === '') return `--${option} needs a file name`;
  }
  const paths = REPORTS.flatMap((option) => {
    const path = args[option];
    return typeof path === 'string' ? [{ option, path }] : [];
  });
  for (const [i, a] of paths.entries()) {
    const same = paths.slice(i + 1).find((b) => resolve(cwd, a.path) === resolve(cwd, b.path));
    if (same)
      return `--${a.option} and --${same.option} name the same file (${a.path}); each report needs its own`;
  }
  const kept = keptFiles(cwd, args);
  for (const { option, path } of paths) {
    const what = kept.get(resolve(cwd, path));
    if (what) return `--${option} ${path} is ${what}; the report would overwrite it`;
  }
  return undefined;
}

const REPORTS = ['junit', 'json', 'html'] as const;

/** Files a report must never replace: the runbook, and the run record `report`/`resume` read. */
function keptFiles(cwd: string, args: { runbook?: unknown; runDir?: unknown }): Map<string, string> {
  const kept = new Map<string, string>();
  if (typeof args.runbook === 'string') kept.set(resolve(cwd, args.runbook), 'the runbook itself');
  if (typeof args.runDir === 'string') {
    kept.set(resolve(cwd, args.runDir, 'journal.jsonl'), "the run's journal");
    kept.set(resolve(cwd, args.runDir, 'meta.json'), "the run's record (meta.json)");
  }
  return kept;
}
