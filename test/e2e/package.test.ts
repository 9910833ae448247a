import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * What `npm pack` ships must run on its own: the launcher, the compiled CLI and the demo.
 * npm test builds dist/ first; the packed launcher runs with the project's dependencies
 * linked in, as an `npm install -g` of the tarball would provide them.
 */
describe('npm pack', () => {
  it.skipIf(!existsSync(join(ROOT, 'dist', 'cli.js')))(
    'gives a package whose drillbook --help and validate work',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'drillbook-pack-'));
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();
      execFileSync('tar', ['xzf', join(dir, tarball!), '-C', dir]);
      const pkg = join(dir, 'package');
      expect(existsSync(join(pkg, 'runbooks', 'demo', '.drillbook'))).toBe(false);
      symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));

      const help = spawnSync(process.execPath, [join(pkg, 'bin', 'drillbook.js'), '--help'], {
        encoding: 'utf8',
      });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('drillbook run <runbook>');
      expect(help.stdout).toMatch(/130\s+interrupted by SIGINT/);

      const validate = spawnSync(
        process.execPath,
        [join(pkg, 'bin', 'drillbook.js'), 'validate', join(pkg, 'runbooks', 'demo', 'failover.md')],
        { encoding: 'utf8' },
      );
      expect(validate.stderr).toBe('');
      expect(validate.status).toBe(0);
    },
  );
});
