// Shared helpers for the benchmarks: where things are, timing a process, best-of-N, and
// printing a result the same way from bench/run.mjs and from a benchmark run alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** DRILLBOOK_BENCH_BIN measures another build (e.g. one made apart from a shared dist/). */
export const drillbookBin = process.env.DRILLBOOK_BENCH_BIN ?? join(repoRoot, 'bin', 'drillbook.js');
const TIME = '/usr/bin/time';

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `drillbook-bench-${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs a command to its exit and measures wall time (spawn to exit). stdout goes to
 * /dev/null unless `stdout: 'pipe'` (then it is drained and counted). With `rss: true` the
 * command runs under `/usr/bin/time -v`, whose "Maximum resident set size" is the largest
 * peak RSS of the command and everything it waited for; a drillbook run's children (sh,
 * head, tr, fold) stay at a few MB, so that peak is the drillbook node process's own. Without
 * /usr/bin/time, /proc/<pid>/status VmHWM of the process is polled instead.
 */
export function timeProcess(command, args, options = {}) {
  const { cwd = repoRoot, env = process.env, stdout = 'ignore', rss = false } = options;
  const useTime = rss && existsSync(TIME);
  let rssFile;
  let argv = [command, ...args];
  if (useTime) {
    rssFile = join(tempDir('rss'), 'time.txt');
    argv = [TIME, '-v', '-o', rssFile, ...argv];
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env,
      stdio: ['ignore', stdout === 'pipe' ? 'pipe' : 'ignore', 'pipe'],
    });
    let stdoutBytes = 0;
    if (child.stdout) child.stdout.on('data', (b) => (stdoutBytes += b.length));
    let stderr = '';
    child.stderr.on('data', (b) => {
      if (stderr.length < 64 * 1024) stderr += b;
    });
    let polledKb = 0;
    const poll =
      rss && !useTime
        ? setInterval(() => {
            const kb = vmHwmKb(child.pid);
            if (kb > polledKb) polledKb = kb;
          }, 10)
        : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      let peakRssKb;
      if (useTime) {
        const text = readFileSync(rssFile, 'utf8');
        removeDir(dirname(rssFile));
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
        peakRssKb = m ? Number(m[1]) : undefined;
      } else if (rss) {
        peakRssKb = polledKb || undefined;
      }
      resolve({
        ms,
        code,
        signal,
        stderr,
        stdoutBytes,
        peakRssKb,
        rssMethod: useTime ? 'time -v' : 'VmHWM poll',
      });
    });
  });
}

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Throws with the command's stderr when it did not exit 0: a failing run measures nothing. */
export function expectSuccess(what, result) {
  if (result.code !== 0) {
    throw new Error(`${what} exited with ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
  }
  return result;
}

/**
 * Runs each measurement `rounds` times, interleaved (a, b, a, b, ...) so that load from other
 * processes on a shared machine hits both sides alike, and keeps each side's fastest run: the
 * minimum is the run least disturbed by noise.
 */
export async function bestOf(rounds, measures) {
  const runs = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [key, measure] of Object.entries(measures)) runs[key].push(await measure());
  }
  const best = {};
  for (const [key, list] of Object.entries(runs)) {
    best[key] = list.reduce((a, b) => (b.ms < a.ms ? b : a));
    best[key].allMs = list.map((r) => round(r.ms));
  }
  return best;
}

/**
 * The result of a drillbook-vs-baseline comparison from `bestOf`: the ratio of the fastest
 * runs, both sides' times, every run, and the benchmark's own `details`.
 */
export function comparison(name, best, target, details = {}) {
  return {
    name,
    ratio: best.drillbook.ms / best.baseline.ms,
    target,
    details: {
      unit: 'ms',
      drillbook: best.drillbook.ms,
      baseline: best.baseline.ms,
      drillbookRunsMs: best.drillbook.allMs,
      baselineRunsMs: best.baseline.allMs,
      ...details,
    },
  };
}

export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Did the result meet its target (and its RSS limit, if it has one)? */
export function passed(result) {
  if (typeof result.pass === 'boolean') return result.pass;
  const d = result.details ?? {};
  const rssOk = d.rssLimitMb === undefined || (d.peakRssMb !== undefined && d.peakRssMb < d.rssLimitMb);
  return result.ratio <= result.target && rssOk;
}

/** `name: drillbook X vs baseline Y = ratio R (target <= T) PASS|FAIL`, plus peak RSS. */
export function formatResult(result) {
  if (result.unavailable) return `${result.name}: SKIPPED (${result.unavailable})`;
  const d = result.details ?? {};
  const unit = d.unit ?? 'ms';
  const x = d.drillbook !== undefined ? `${round(d.drillbook)} ${unit}` : '?';
  const y = d.baseline !== undefined ? `${round(d.baseline)} ${unit}` : '?';
  let line = `${result.name}: drillbook ${x} vs baseline ${y} = ratio ${round(result.ratio, 2)} (target <= ${result.target})`;
  if (d.peakRssMb !== undefined) {
    line += `, peak RSS ${round(d.peakRssMb)} MB${d.rssLimitMb !== undefined ? ` (limit < ${d.rssLimitMb} MB)` : ''}`;
  }
  return `${line} ${passed(result) ? 'PASS' : 'FAIL'}`;
}

/**
 * `node bench/<name>.mjs` runs that benchmark alone: call this at the bottom of the module
 * with its import.meta.url and run function. Prints the line and the details, exits 1 on FAIL.
 */
export async function runIfMain(moduleUrl, run) {
  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  const result = await run();
  console.log(formatResult(result));
  if (result.details) console.log(JSON.stringify(result.details, null, 2));
  if (!result.unavailable && !passed(result)) process.exitCode = 1;
}
