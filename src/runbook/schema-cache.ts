import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/**
 * Compiles the runbook schema with Ajv, once per schema: the generated validator is kept as
 * standalone code in the user's cache directory and loaded from there next time. Compiling
 * is most of what `drillbook validate` costs (hundreds of ms; loading the cached code is a few),
 * and every command that reads a runbook pays it. The file name carries a hash of the schema,
 * the Ajv version and the options, so a changed action schema or an upgrade compiles afresh.
 * Any problem with the cache (unwritable, missing, corrupt) just means compiling in memory.
 *
 * The generated code is big (~400 KB: every action's schema, with every error site), and
 * V8 parsing and compiling it took as long again as the rest of `validate`; so V8's compiled
 * code for it is cached too (a `.v8` file per code and V8 version; V8 checks it on load).
 */
export function compileRunbookSchema(schema: object, env: NodeJS.ProcessEnv = process.env): ValidateFunction {
  const { version } = require('ajv/package.json') as { version: string };
  const key = createHash('sha256')
    .update(JSON.stringify([version, OPTIONS, LINEAR_ERRORS_PATCH, schema]))
    .digest('hex')
    .slice(0, 20);
  const dir = cacheDir(env);
  const file = dir === undefined ? undefined : join(dir, `runbook-schema-${key}.cjs`);
  if (file !== undefined) {
    try {
      return loadStandalone(file, readFileSync(file, 'utf8'));
    } catch {
      // Not cached yet (or unreadable): compile below.
    }
  }
  const { Ajv } = require('ajv') as typeof import('ajv');
  const standaloneCode = (
    require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')
  ).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const code = linearErrors(standaloneCode(ajv, ajv.compile(schema)));
  if (file !== undefined && dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Write then rename, so a concurrent run never reads half a file.
      writeAtomically(file, code);
      pruneOtherEntries(dir, key);
    } catch {
      // A read-only home or full disk only costs the next run the compile.
    }
  }
  // The rewritten code is what runs, cached or not; V8's code cache is made on the next load.
  return loadCode(code, file ?? 'runbook-schema.cjs').validate;
}

/** Changes with the rewrite below, so cached validators made without it are not reused. */
const LINEAR_ERRORS_PATCH = 'append-errors-1';

/**
 * Ajv's generated code gathers the errors of a referenced schema (every step is one) with
 * `vErrors = vErrors.concat(errors)`, copying all errors so far for each step in error:
 * quadratic, 30000 bad steps took over a minute. Appending in place is the same result
 * (each call's error array is its own, made afresh) in linear time.
 */
function linearErrors(code: string): string {
  const concat = /vErrors\.concat\(([\w$.]+)\)/g;
  const helper = 'function appendErrors_(to, from) { for (const e of from) to.push(e); return to; }\n';
  return helper + code.replace(concat, 'appendErrors_(vErrors, $1)');
}

/** `DRILLBOOK_CACHE_DIR` ('' turns the cache off), else `$XDG_CACHE_HOME/drillbook`, else ~/.cache/drillbook. */
function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const own = env['DRILLBOOK_CACHE_DIR'];
  if (own !== undefined) return own === '' ? undefined : own;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg) return join(xdg, 'drillbook');
  const home = homedir();
  return home ? join(home, '.cache', 'drillbook') : undefined;
}

/**
 * Free space the cache never takes: the cache is written before the drill starts, often on
 * the disk the run's journal goes to, and must not be what leaves the journal no room.
 */
const KEEP_FREE_BYTES = 64 * 1024 * 1024;

/**
 * Write then rename, so a concurrent run never reads half a file. Skipped (throws) when the
 * disk is nearly full; a write that fails removes its temporary file, so a full disk is not
 * left fuller by every run.
 */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const dir = join(file, '..');
  const { bavail, bsize } = statfsSync(dir);
  if (bavail * bsize < Buffer.byteLength(data) + KEEP_FREE_BYTES) throw new Error('disk nearly full');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Removes the cache entries of other schemas (an older drillbook, another action set): each
 * is ~400 KB plus V8's code, and upgrades would otherwise pile them up in the home directory.
 * Another version running at the same time just compiles again.
 */
function pruneOtherEntries(dir: string, key: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('runbook-schema-') && !name.startsWith(`runbook-schema-${key}`))
      rmSync(join(dir, name), { force: true });
  }
}

type ModuleWrapper = (module: { exports: unknown }, exports: unknown, require: NodeJS.Require) => void;

function loadCode(
  code: string,
  file: string,
  cachedData?: Buffer,
): { script: Script; validate: ValidateFunction } {
  const script = new Script(`(function (module, exports, require) {${code}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as ModuleWrapper)(module, module.exports, require);
  const validate = module.exports as ValidateFunction;
  if (typeof validate !== 'function') throw new Error('not a validator');
  return { script, validate };
}

/**
 * Ajv's standalone output is a CommonJS module that requires `ajv/dist/runtime/*` helpers;
 * it runs with our `require`. V8's code cache for it is used when present and valid, else
 * made: after one call, so the lazily compiled validator functions are in it.
 */
function loadStandalone(file: string, code: string): ValidateFunction {
  const digest = createHash('sha256').update(code).update(process.versions.v8).digest('hex').slice(0, 20);
  const v8File = file.replace(/\.cjs$/, `-${digest}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(v8File);
  } catch {
    // No code cache yet.
  }
  const { script, validate } = loadCode(code, file, cachedData);
  if (cachedData === undefined || script.cachedDataRejected) {
    validate({ steps: [{}] });
    try {
      writeAtomically(v8File, script.createCachedData());
    } catch {
      // Next run compiles again.
    }
  }
  return validate;
}
