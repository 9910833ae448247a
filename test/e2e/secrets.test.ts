import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';

/**
 * The secret reaches the steps through the environment only. HALF_1/HALF_2 (not secrets
 * themselves) let a step print it in two chunks 100 ms apart, so redaction must work across
 * output chunks; the runbook text never contains any part of it.
 */
const DRILL = `drillbook: 1
name: secretive
secrets: [MY_TOKEN]
steps:
  - id: whole
    run: echo "token=$MY_TOKEN"
  - id: split
    name: Split across chunks
    run: printf '%s' "$HALF_1"; sleep 0.1; printf '%s\\n' "$HALF_2"
  - id: template
    run: echo "templated={{ env.MY_TOKEN }}"
  - id: saved
    run: echo "$MY_TOKEN"
    save: token
  - id: reuse
    run: echo "again {{ vars.token }}"
  - id: fails
    run: echo "cannot log in with $MY_TOKEN" >&2; exit 1
`;

/** Every file under `dir`, recursively, as text. */
function allFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

describe('secrets', () => {
  it('never appear in stdout, stderr, JUnit, JSON or the run directory, even split across chunks', async () => {
    const ws = workspace();
    const secret = `tok-${randomBytes(12).toString('hex')}`;
    const middle = Math.floor(secret.length / 2);
    ws.write('rb.yaml', DRILL);
    // Also handed over as a --var, which lands in meta.json for resume.
    const r = await runCli(
      [
        'run',
        'rb.yaml',
        '--junit',
        'reports/junit.xml',
        '--json',
        'reports/report.json',
        '--var',
        `copy=${secret}`,
      ],
      {
        cwd: ws.dir,
        env: { MY_TOKEN: secret, HALF_1: secret.slice(0, middle), HALF_2: secret.slice(middle) },
      },
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    // The steps did print it: the console shows where, masked.
    expect(r.stdout).toMatch(/token=\*+/);
    expect(r.stdout).toMatch(/templated=\*+/);
    expect(r.stdout).toMatch(/cannot log in with \*+/);

    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
    const files = allFiles(ws.dir).filter((f) => f.path.includes('reports') || f.path.includes('.drillbook'));
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/junit\.xml$/),
        expect.stringMatching(/report\.json$/),
        expect.stringMatching(/journal\.jsonl$/),
        expect.stringMatching(/meta\.json$/),
      ]),
    );
    for (const file of files) expect(file.text, file.path).not.toContain(secret);
    // Not even the two halves next to each other with something in between (e.g. a chunk seam).
    for (const file of files)
      expect(file.text, file.path).not.toContain(secret.slice(middle - 4, middle + 4));
  });

  it('a secret too short to redact safely is named in a warning', async () => {
    const ws = workspace();
    ws.write('rb.yaml', 'drillbook: 1\nname: short\nsecrets: [PIN]\nsteps:\n  - run: "true"\n');
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir, env: { PIN: '123' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('secret PIN is shorter than 4 characters and will not be redacted');
  });

  it('a declared secret missing from the environment: exit 2 before anything runs', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL.replace('run: echo "token=$MY_TOKEN"', 'run: touch ran'));
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MY_TOKEN/);
    expect(r.stderr).toMatch(/not set/);
    expect(ws.exists('ran')).toBe(false);
    expect(ws.runDirs()).toEqual([]);
  });
});
