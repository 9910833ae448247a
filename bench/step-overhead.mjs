// Step overhead: a drill of 500 `run: "true"` steps, headless, against a plain Node loop that
// spawns `/bin/sh -c true` 500 times one after another. Both sides start a fresh node process
// and spawn the same 500 shells, so the difference is what drillbook adds per step (events,
// console, journal, redaction, process groups) plus its module loading.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bestOf,
  comparison,
  drillbookBin,
  expectSuccess,
  removeDir,
  runIfMain,
  tempDir,
  timeProcess,
} from './lib/measure.mjs';

const STEPS = 500;
const ROUNDS = 3;
const TARGET = 1.3;

// spawn()'s default stdio (pipes, read until closed), as a drill step must capture output:
// the baseline pays for reading output too, so the ratio is drillbook's own overhead.
// With stdio 'ignore' (no output read at all) the ratio was ~1.8 on an idle machine.
const BASELINE = `
import { spawn } from 'node:child_process';
for (let i = 0; i < ${STEPS}; i++) {
  await new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'true']);
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', resolve);
  });
}
`;

function runbookYaml() {
  const lines = ['drillbook: 1', 'name: step-overhead', 'title: Step overhead benchmark', 'steps:'];
  for (let i = 1; i <= STEPS; i++) lines.push(`  - id: s${i}`, `    name: Step ${i}`, '    run: "true"');
  return `${lines.join('\n')}\n`;
}

export async function run() {
  const dir = tempDir('steps');
  try {
    const runbook = join(dir, 'steps.yaml');
    writeFileSync(runbook, runbookYaml());
    const best = await bestOf(ROUNDS, {
      baseline: async () =>
        expectSuccess(
          'baseline',
          await timeProcess(process.execPath, ['--input-type=module', '-e', BASELINE]),
        ),
      drillbook: async () =>
        expectSuccess(
          'drillbook run',
          await timeProcess(process.execPath, [drillbookBin, 'run', runbook, '--headless'], { cwd: dir }),
        ),
    });
    return comparison('step-overhead', best, TARGET, {
      steps: STEPS,
      rounds: ROUNDS,
      perStepOverheadMs: (best.drillbook.ms - best.baseline.ms) / STEPS,
    });
  } finally {
    removeDir(dir);
  }
}

await runIfMain(import.meta.url, run);
