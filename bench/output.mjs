// Output throughput: one step printing 200 MB (2,000,000 lines of 100 `a`s), headless with
// --junit, against the same pipeline into `cat > /dev/null`. drillbook's stdout is /dev/null,
// the same sink the baseline's `cat` writes to: drillbook plays the part of `cat` (read the
// pipe, write the bytes on), plus prefixing lines, redaction, the bounded journal and the
// bounded JUnit <system-out>. Also checks that the drillbook process's peak RSS stays bounded.
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

const BYTES = 200_000_000;
const PIPELINE = `head -c ${BYTES} /dev/zero | tr '\\0' a | fold -w 100`;
const ROUNDS = 3;
const TARGET = 1.5;
const RSS_LIMIT_MB = 150;

export async function run() {
  const dir = tempDir('output');
  try {
    const runbook = join(dir, 'output.yaml');
    writeFileSync(
      runbook,
      [
        'drillbook: 1',
        'name: output',
        'title: Output benchmark',
        'steps:',
        '  - id: print',
        '    name: Print 200 MB',
        '    run: |',
        `      ${PIPELINE}`,
        '',
      ].join('\n'),
    );
    const junit = join(dir, 'junit.xml');
    const rssRuns = [];
    const best = await bestOf(ROUNDS, {
      baseline: async () =>
        expectSuccess('baseline', await timeProcess('/bin/sh', ['-c', `${PIPELINE} | cat > /dev/null`])),
      drillbook: async () => {
        const result = expectSuccess(
          'drillbook run',
          await timeProcess(
            process.execPath,
            [drillbookBin, 'run', runbook, '--headless', '--junit', junit],
            {
              cwd: dir,
              rss: true,
            },
          ),
        );
        rssRuns.push(result.peakRssKb / 1024);
        return result;
      },
    });
    return comparison('output', best, TARGET, {
      // The worst run counts for memory: a bound has to hold every time.
      peakRssMb: Math.max(...rssRuns),
      rssLimitMb: RSS_LIMIT_MB,
      rssMethod: best.drillbook.rssMethod,
      megabytes: BYTES / 1e6,
      rounds: ROUNDS,
      peakRssRunsMb: rssRuns.map((n) => Math.round(n)),
    });
  } finally {
    removeDir(dir);
  }
}

await runIfMain(import.meta.url, run);
