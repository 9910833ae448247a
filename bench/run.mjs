// Runs every benchmark: each bench/*.mjs that exports `run()` (run by `npm run bench`, after
// a build). Prints one line per benchmark, writes bench/results/latest.json, and exits 1 when
// any target is missed. A benchmark that returns `{ unavailable: reason }` (no sshd, no tmux)
// is reported as skipped and does not fail the run. `node bench/run.mjs output startup` runs
// only the named ones.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatResult, passed } from './lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const modules = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => only.length === 0 || only.includes(basename(f, '.mjs')))
  .sort();

const results = [];
let failed = 0;
for (const file of modules) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  if (typeof mod.run !== 'function') continue;
  let result;
  try {
    result = await mod.run();
  } catch (error) {
    result = { name: basename(file, '.mjs'), error: String(error?.stack ?? error), pass: false };
  }
  result.name ??= basename(file, '.mjs');
  result.pass = result.unavailable ? null : passed(result);
  if (result.error) console.log(`${result.name}: ERROR\n${result.error}`);
  else console.log(formatResult(result));
  if (result.pass === false) failed++;
  results.push(result);
}

const out = join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'latest.json'),
  `${JSON.stringify(
    {
      time: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      // Benchmarks on a shared machine are noisy; the load says how noisy this run was.
      loadAverage: loadavg(),
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`${results.length} benchmarks, ${failed} failed; results in bench/results/latest.json`);
if (failed > 0) process.exitCode = 1;
