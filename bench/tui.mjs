// Benchmark: the TUI must not make a chatty drill slower. A step prints `lines` lines as
// fast as it can; the same runbook runs headless and in TUI mode, both inside a pseudo-
// terminal (util-linux `script`). Three ratios TUI/headless (medians):
//   step: the flood step's duration from the journal: how much the TUI slows the drill
//         itself while rendering. Target <= 1.5 (this is what pass/fail checks).
//   cpu:  user+sys of the whole drillbook process, startup included.
//   wall: process wall time, startup included (Ink + React + yoga load ~1-3 s on a busy
//         machine: a fixed cost, not a per-line one).
//
//   node bench/tui.mjs [--lines 100000] [--runs 3] [--cmd "node /path/bin/drillbook.js"]
//
// Build first (`npm run build`): the default command runs bin/drillbook.js, i.e. dist/.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 1.5;

/** Environment without CI markers, so the CLI picks the TUI when it sees a terminal. */
function interactiveEnv() {
  const env = { ...process.env, TERM: process.env.TERM || 'xterm-256color' };
  for (const key of [
    'CI',
    'CONTINUOUS_INTEGRATION',
    'JENKINS_URL',
    'BUILD_NUMBER',
    'GITHUB_ACTIONS',
    'GITLAB_CI',
    'BUILDKITE',
  ]) {
    delete env[key];
  }
  return env;
}

const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;

/**
 * Runs `command` in a pty of 120x40 in `cwd`; resolves with wall time, exit code, the
 * output's tail, and the CPU time of the command (children's user+sys of the shell).
 */
function inPty(command, cwd) {
  return new Promise((resolveRun, reject) => {
    const inner = `stty rows 40 cols 120 2>/dev/null; ${command}; ec=$?; cat /proc/$$/stat > cpu.stat; exit $ec`;
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', inner, '/dev/null'], {
      cwd,
      env: interactiveEnv(),
      // stdin stays an open pipe: EOF on it would end `script` before the drill does.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let tail = '';
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      tail = (tail + chunk.toString('utf8')).slice(-20_000);
    });
    child.stderr.on('data', (chunk) => {
      tail = (tail + chunk.toString('utf8')).slice(-20_000);
    });
    child.on('error', reject);
    child.on('close', async (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      child.stdin.destroy();
      resolveRun({
        ms,
        code,
        bytes,
        tail,
        cpuMs: await childCpuMs(join(cwd, 'cpu.stat')),
        stepMs: await stepMs(cwd),
      });
    });
  });
}

/** cutime + cstime (fields 16, 17) of /proc/<shell>/stat, in clock ticks of 10 ms. */
async function childCpuMs(file) {
  const stat = await readFile(file, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 is at index 0: cutime is field 16, cstime 17.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The flood step's duration as the engine measured it, from the run's journal. */
async function stepMs(cwd) {
  const runs = join(cwd, '.drillbook/runs');
  const [dir] = await readdir(runs);
  const journal = await readFile(join(runs, dir, 'journal.jsonl'), 'utf8');
  const end = journal
    .split('\n')
    .filter((l) => l.includes('"step-end"'))
    .map((l) => JSON.parse(l))
    .find((e) => e.stepId === 'flood');
  return end?.durationMs ?? Number.NaN;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stripAnsi = (s) => s.replace(/\u001b\[[0-9;?<>=]*[ -/]*[@-~]|\u001b[()][0-9A-Za-z]|\u001b[=>78]/g, '');

/**
 * @param {{ lines?: number, runs?: number, command?: string, write?: boolean }} [options]
 * @returns {Promise<{ lines: number, runs: number, headlessMs: number, tuiMs: number, ratio: number, target: number, pass: boolean }>}
 */
export async function benchTui(options = {}) {
  const lines = options.lines ?? 100_000;
  const runs = options.runs ?? 3;
  const command = options.command ?? `node ${quote(join(repo, 'bin/drillbook.js'))}`;
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-bench-tui-'));
  try {
    const runbook = join(dir, 'flood.yaml');
    await writeFile(
      runbook,
      [
        'drillbook: 1',
        'name: bench-flood',
        'title: Output flood',
        'steps:',
        '  - id: flood',
        '    name: Print a flood of lines',
        `    run: "seq -f 'line %g of the flood, long enough to look like real log output' 1 ${lines}"`,
        '',
      ].join('\n'),
    );
    const headless = [];
    const tui = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved so machine noise hits both modes alike; each run in its own directory
      // so its journal is the only one there.
      const hDir = join(dir, `headless-${i}`);
      const tDir = join(dir, `tui-${i}`);
      await mkdir(hDir);
      await mkdir(tDir);
      const h = await inPty(`${command} run ${quote(runbook)} --headless`, hDir);
      const t = await inPty(`${command} run ${quote(runbook)}`, tDir);
      for (const [name, r] of [
        ['headless', h],
        ['tui', t],
      ]) {
        if (r.code !== 0) throw new Error(`${name} run exited ${r.code}:\n${stripAnsi(r.tail).slice(-2000)}`);
      }
      if (!stripAnsi(t.tail).includes('Drill passed')) {
        throw new Error(
          `the TUI run did not show its summary (was it headless?):\n${stripAnsi(t.tail).slice(-2000)}`,
        );
      }
      headless.push(h);
      tui.push(t);
    }
    const summary = (key) => {
      const h = Math.round(median(headless.map((r) => r[key])));
      const t = Math.round(median(tui.map((r) => r[key])));
      return { headless: h, tui: t, ratio: Math.round((t / h) * 100) / 100 };
    };
    const step = summary('stepMs');
    const result = {
      lines,
      runs,
      step,
      cpu: summary('cpuMs'),
      wall: summary('ms'),
      target: TARGET,
      pass: step.ratio <= TARGET,
    };
    if (options.write !== false) {
      await mkdir(join(repo, 'bench/results'), { recursive: true });
      await writeFile(
        join(repo, 'bench/results/tui.json'),
        `${JSON.stringify({ ...result, date: new Date().toISOString() }, null, 2)}\n`,
      );
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const result = await benchTui({
    lines: arg('lines') ? Number(arg('lines')) : undefined,
    runs: arg('runs') ? Number(arg('runs')) : undefined,
    command: arg('cmd'),
  });
  const line = (name, r) =>
    `  ${name.padEnd(5)} headless ${r.headless} ms, tui ${r.tui} ms, ratio ${r.ratio}`;
  console.log(
    [
      `tui bench: a step printing ${result.lines} lines, median of ${result.runs} runs each (TUI / headless):`,
      line('step', result.step),
      line('cpu', result.cpu),
      line('wall', result.wall),
      `step ratio ${result.step.ratio} (target <= ${result.target}): ${result.pass ? 'PASS' : 'FAIL'}`,
    ].join('\n'),
  );
  process.exitCode = result.pass ? 0 : 1;
}

/** For bench/run.mjs: gated on the drill step's own duration, process wall and CPU reported. */
export async function run() {
  const { spawnSync } = await import('node:child_process');
  if (spawnSync('script', ['--version']).error)
    return { name: 'tui', unavailable: 'script (util-linux) missing' };
  const result = await benchTui({ write: false });
  return {
    name: 'tui',
    ratio: result.step.ratio,
    target: result.target,
    details: {
      unit: 'ms',
      drillbook: result.step.tui,
      baseline: result.step.headless,
      lines: result.lines,
      processWall: result.wall,
      processCpu: result.cpu,
    },
  };
}
