// `npm start` builds only when the bundle is older than what it is built from: a full build
// (tsc + esbuild) was about 9 s of `npm start`'s 12 s, on every start. Stale means any file
// or directory (a deleted or added file changes its directory's mtime) under src/, or a
// build input (package files, tsconfig, the bundler script), is newer than the bundle's
// entry. A failed build leaves the old entry older than its sources, so the next start
// builds again.
//
// Usage: node scripts/build-if-stale.mjs   (runs `npm run build` when needed)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = 'dist/bundle/cli.js';
const INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/bundle.mjs',
];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestUnder(dir) {
  let newest = mtime(dir) ?? 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : (mtime(path) ?? 0));
  }
  return newest;
}

const built = mtime(ENTRY);
const newest = Math.max(newestUnder('src'), ...INPUTS.map((f) => mtime(f) ?? 0));
if (built !== undefined && built >= newest) {
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
