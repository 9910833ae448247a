import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
 */
export function compileRunbookSchema(schema: object, env: NodeJS.ProcessEnv = process.env): ValidateFunction {
  const { version } = require('ajv/package.json') as { version: string };
  const key = createHash('sha256')
    .update(JSON.stringify([version, OPTIONS, schema]))
    .digest('hex')
    .slice(0, 20);
  const dir = cacheDir(env);
  const file = dir === undefined ? undefined : join(dir, `runbook-schema-${key}.cjs`);
  if (file !== undefined) {
    try {
      return loadStandalone(readFileSync(file, 'utf8'));
    } catch {
      // Not cached yet (or unreadable): compile below.
    }
  }
  const { Ajv } = require('ajv') as typeof import('ajv');
  const standaloneCode = (
    require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')
  ).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(schema);
  if (file !== undefined && dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Write then rename, so a concurrent run never reads half a file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, standaloneCode(ajv, validate), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // A read-only home or full disk only costs the next run the compile.
    }
  }
  return validate;
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

/** Ajv's standalone output is a CommonJS module that requires `ajv/dist/runtime/*` helpers. */
function loadStandalone(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  const validate = module.exports as ValidateFunction;
  if (typeof validate !== 'function') throw new Error('not a validator');
  return validate;
}
