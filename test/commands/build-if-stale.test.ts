import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'build-if-stale.mjs');

/** A tiny project whose `npm run build` counts its builds and writes the bundle entry. */
function project(): { dir: string; builds(): number; age(path: string, secondsAgo: number): void } {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-start-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src', 'engine'), { recursive: true });
  writeFileSync(join(dir, 'src', 'engine', 'a.ts'), 'export {};\n');
  const build =
    "node -e \"const f=require('fs');f.appendFileSync('builds','x');f.mkdirSync('dist/bundle',{recursive:true});f.writeFileSync('dist/bundle/cli.js','')\"";
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', scripts: { build } }));
  const age = (path: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(dir, path), t, t);
  };
  const builds = () => {
    try {
      return readFileSync(join(dir, 'builds'), 'utf8').length;
    } catch {
      return 0;
    }
  };
  return { dir, builds, age };
}

const start = (dir: string) => {
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
};

describe('npm start: build only when dist/ is stale', () => {
  it('builds when there is no bundle, skips when it is newer than every input, rebuilds after an edit', () => {
    const p = project();
    for (const f of ['src/engine/a.ts', 'src/engine', 'src', 'package.json']) p.age(f, 100);
    start(p.dir);
    expect(p.builds()).toBe(1);
    start(p.dir);
    expect(p.builds()).toBe(1);
    // An edited source file.
    p.age('dist/bundle/cli.js', 50);
    p.age('src/engine/a.ts', 10);
    start(p.dir);
    expect(p.builds()).toBe(2);
    // A deleted source file changes only its directory.
    for (const f of ['src/engine/a.ts', 'src/engine', 'src', 'package.json', 'dist/bundle/cli.js'])
      p.age(f, 100);
    p.age('dist/bundle/cli.js', 50);
    rmSync(join(p.dir, 'src', 'engine', 'a.ts'));
    start(p.dir);
    expect(p.builds()).toBe(3);
    // A changed package.json (dependencies) rebuilds too.
    p.age('src/engine', 100);
    p.age('dist/bundle/cli.js', 50);
    p.age('package.json', 10);
    start(p.dir);
    expect(p.builds()).toBe(4);
  });
});
