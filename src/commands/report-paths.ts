import { resolve } from 'node:path';

/**
 * Why the `--junit` / `--json` paths cannot be used, checked before anything runs, or
 * undefined. A report written over the other report, or over the runbook, silently lost it
 * (the drill still exited 0); an option given twice left no report at all, found out only
 * after the drill had run.
 */
export function reportPathProblem(
  cwd: string,
  args: { junit?: unknown; json?: unknown; runbook?: unknown },
): string | undefined {
  for (const option of ['junit', 'json'] as const) {
    const value = args[option];
    if (Array.isArray(value)) return `--${option} was given ${value.length} times; give it once (one file)`;
    if (value === '') return `--${option} needs a file name`;
  }
  const { junit, json, runbook } = args;
  if (typeof junit === 'string' && typeof json === 'string' && resolve(cwd, junit) === resolve(cwd, json))
    return `--junit and --json name the same file (${junit}); each report needs its own`;
  if (typeof runbook === 'string')
    for (const [option, path] of [
      ['junit', junit],
      ['json', json],
    ] as const)
      if (typeof path === 'string' && resolve(cwd, path) === resolve(cwd, runbook))
        return `--${option} ${path} is the runbook itself; the report would overwrite it`;
  return undefined;
}
