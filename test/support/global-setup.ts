import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The e2e tests' own build: inside node_modules so the compiled files resolve the project's
 * packages, and apart from dist/ so another `npm run build` in the same tree cannot swap
 * files under a running test.
 */
const BUILD = join(ROOT, 'node_modules', '.cache', 'drillbook-e2e');
const STAMP = join(BUILD, 'built-at');
/** bin/drillbook.js, copied byte for byte beside the build so `../dist/cli.js` is the e2e build. */
export const E2E_BIN = join(BUILD, 'bin', 'drillbook.js');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the CLI could not be built, or '' when the e2e build is current. */
    drillbookBuildError: string;
  }
}

/**
 * Builds the CLI once per test run (`tsc -p tsconfig.build.json`, into the e2e build directory)
 * so test/e2e runs the real launcher over the current sources. Skipped when a build since the
 * last source change produced every output; DRILLBOOK_E2E_REBUILD=1 forces it. A failed build
 * does not stop unit tests: the e2e helper fails each CLI test with tsc's message.
 */
export default function setup(project: TestProject): void {
  project.provide('drillbookBuildError', buildIfStale());
}

function buildIfStale(): string {
  mkdirSync(dirname(E2E_BIN), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'drillbook.js'), E2E_BIN);
  if (process.env['DRILLBOOK_E2E_REBUILD'] !== '1' && isCurrent()) return '';
  const started = Date.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', join(BUILD, 'dist'), '--pretty', 'false'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const diagnostics = `${result.stdout}${result.stderr}`.trim();
  if (missingOutputs().length > 0 || result.status === null) {
    return `tsc -p tsconfig.build.json did not produce the CLI (exit ${result.status ?? result.signal}):\n${diagnostics}`.slice(
      0,
      8000,
    );
  }
  // Type errors still emit JavaScript; `npm test` fails on them in its build and typecheck
  // steps, so here they are a warning and the CLI's behaviour is still tested.
  if (result.status !== 0) console.warn(`e2e build: tsc reported errors:\n${diagnostics.slice(0, 4000)}`);
  else {
    writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
    // The build's start time: a source saved while tsc ran makes the next run build again.
    utimesSync(STAMP, new Date(started), new Date(started));
  }
  return '';
}

/** The build is current when the stamp is newer than every source and config, and no output is missing. */
function isCurrent(): boolean {
  if (!existsSync(STAMP)) return false;
  const builtAt = statSync(STAMP).mtimeMs;
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => join(ROOT, f));
  if ([...configs, ...sources()].some((file) => statSync(file).mtimeMs > builtAt)) return false;
  return missingOutputs().length === 0;
}

function missingOutputs(): string[] {
  return sources()
    .map((file) => join(BUILD, 'dist', relative(join(ROOT, 'src'), file)).replace(/\.tsx?$/, '.js'))
    .filter((out) => !existsSync(out));
}

function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}
