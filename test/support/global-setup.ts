import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The e2e tests' builds live inside node_modules, so the compiled files resolve the project's
 * packages, and apart from dist/: another `npm run build` in the same tree cannot swap files
 * under a running test. Each build gets its own directory and is never rewritten, so a test
 * run started by someone else (which may build again) cannot disturb one in progress either.
 */
const CACHE = join(ROOT, 'node_modules', '.cache', 'drillbook-e2e');
const CURRENT = join(CACHE, 'current.json');
const KEEP_OLD_BUILDS_MS = 60 * 60_000;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The launcher (a copy of bin/drillbook.js) beside the build this run tests. */
    drillbookBin: string;
    /** Why the CLI could not be built, or '' when it was. */
    drillbookBuildError: string;
  }
}

interface Build {
  dir: string;
  /** When tsc started: a source saved after this is not in the build. */
  startedAt: number;
}

/**
 * Builds the CLI once per test run (`tsc -p tsconfig.build.json` into its own directory, then
 * scripts/bundle.mjs, as `npm run build` does) so
 * test/e2e runs the real launcher over the current sources. A build made since the last source
 * change is reused; DRILLBOOK_E2E_REBUILD=1 forces a new one. A failed build does not stop
 * unit tests: the e2e helper fails each CLI test with tsc's message.
 */
export default function setup(project: TestProject): void {
  const reusable = readCurrent();
  const result =
    reusable && process.env['DRILLBOOK_E2E_REBUILD'] !== '1' && isCurrent(reusable) ? reusable : build();
  if (typeof result === 'string') {
    project.provide('drillbookBin', '');
    project.provide('drillbookBuildError', result);
    return;
  }
  project.provide('drillbookBin', join(result.dir, 'bin', 'drillbook.js'));
  project.provide('drillbookBuildError', '');
  prune(result.dir);
}

function build(): Build | string {
  const startedAt = Date.now();
  const dir = join(
    CACHE,
    'builds',
    `${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
  );
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'drillbook.js'), join(dir, 'bin', 'drillbook.js'));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist'), '--pretty', 'false'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const diagnostics = `${result.stdout}${result.stderr}`.trim();
  if (result.status === null || missingOutputs(dir).length > 0)
    return failed(dir, 'tsc -p tsconfig.build.json did not produce the CLI', result);
  // The launcher runs the bundle, as `npm run build` makes it.
  const bundled = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), join(dir, 'dist')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (bundled.status !== 0 || !existsSync(join(dir, 'dist', 'bundle', 'cli.js')))
    return failed(dir, 'scripts/bundle.mjs did not bundle the CLI', bundled);
  const built = { dir, startedAt };
  if (result.status === 0) {
    // Published for reuse only when clean; write-then-rename so readers never see half a file.
    writeFileSync(`${CURRENT}.${process.pid}`, JSON.stringify(built));
    renameSync(`${CURRENT}.${process.pid}`, CURRENT);
  } else {
    // Type errors still emit JavaScript; `npm test` fails on them in its build and typecheck
    // steps, so here they are a warning and the CLI's behaviour is still tested.
    console.warn(`e2e build: tsc reported errors:\n${diagnostics.slice(0, 4000)}`);
  }
  return built;
}

/** Removes a build that did not work out and says why, with the tool's own output. */
function failed(dir: string, what: string, result: SpawnSyncReturns<string>): string {
  rmSync(dir, { recursive: true, force: true });
  const output = `${result.stdout}${result.stderr}`.trim();
  return `${what} (exit ${result.status ?? result.signal}):\n${output}`.slice(0, 8000);
}

function readCurrent(): Build | undefined {
  try {
    return JSON.parse(readFileSync(CURRENT, 'utf8')) as Build;
  } catch {
    return undefined;
  }
}

/** Current when no source or config changed since the build started and no output is missing. */
function isCurrent(build: Build): boolean {
  const configs = [
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
    'bin/drillbook.js',
    'scripts/bundle.mjs',
  ].map((f) => join(ROOT, f));
  if ([...configs, ...sources()].some((file) => statSync(file).mtimeMs > build.startedAt)) return false;
  return (
    existsSync(join(build.dir, 'bin', 'drillbook.js')) &&
    existsSync(join(build.dir, 'dist', 'bundle', 'cli.js')) &&
    missingOutputs(build.dir).length === 0
  );
}

function missingOutputs(dir: string): string[] {
  return sources()
    .map((file) => join(dir, 'dist', relative(join(ROOT, 'src'), file)).replace(/\.tsx?$/, '.js'))
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

/** Removes builds nobody is likely to use any more: not the current one, and over an hour old. */
function prune(inUse: string): void {
  const builds = join(CACHE, 'builds');
  const current = readCurrent()?.dir;
  for (const name of readdirSync(builds)) {
    const dir = join(builds, name);
    if (dir === inUse || dir === current) continue;
    if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS)
      rmSync(dir, { recursive: true, force: true });
  }
}
