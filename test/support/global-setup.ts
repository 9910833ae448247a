import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STAMP = join(ROOT, 'node_modules', '.cache', 'drillbook-e2e', 'built-at');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why `npx tsc -p tsconfig.build.json` failed, or '' when dist/ is current. */
    drillbookBuildError: string;
  }
}

/**
 * Builds dist/ once per test run so the e2e tests (test/e2e) run the real `bin/drillbook.js`
 * over the current sources. Skipped when a build since the last source change already
 * produced every output (the machine is shared and tsc takes tens of seconds on it);
 * DRILLBOOK_E2E_REBUILD=1 forces it. A failed build does not stop unit tests: it is handed
 * to the e2e helper, which fails each CLI test with tsc's message.
 */
export default function setup(project: TestProject): void {
  project.provide('drillbookBuildError', buildIfStale());
}

function buildIfStale(): string {
  if (process.env['DRILLBOOK_E2E_REBUILD'] !== '1' && isCurrent()) return '';
  const started = Date.now();
  const result = spawnSync(process.execPath, [tscBin(), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    return `npx tsc -p tsconfig.build.json failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`.slice(
      0,
      8000,
    );
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
  // The build's start time: a source saved while tsc ran makes the next run build again.
  utimesSync(STAMP, new Date(started), new Date(started));
  return '';
}

function tscBin(): string {
  return join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
}

/** dist/ is current when the stamp is newer than every source and config, and no output is missing. */
function isCurrent(): boolean {
  if (!existsSync(STAMP)) return false;
  const builtAt = statSync(STAMP).mtimeMs;
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => join(ROOT, f));
  for (const file of configs) if (statSync(file).mtimeMs > builtAt) return false;
  for (const file of sources(join(ROOT, 'src'))) {
    if (statSync(file).mtimeMs > builtAt) return false;
    const out = join(ROOT, 'dist', relative(join(ROOT, 'src'), file)).replace(/\.tsx?$/, '.js');
    if (!existsSync(out)) return false;
  }
  return true;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}
