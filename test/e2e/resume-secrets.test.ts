import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';

const SECRET = 'pa55-w0rd-for-resume';

/**
 * `save` keeps output that holds the secret; `gate` fails until the file `go` exists, so the
 * first run stops there; `use` then needs the saved output, the --var and the secret itself.
 */
const DRILL = `drillbook: 1
name: resume-secrets
secrets: [PW]
steps:
  - id: save
    run: printf 'token=%s\\n' "$PW"
    save: saved
  - id: gate
    run: test -f go
  - id: use
    run: printf '%s|%s|%s|%s\\n' {{ vars.saved }} {{ steps.save.output }} {{ vars.wrapped }} {{ secrets.PW }} > used.out
`;

describe('resume and secrets', () => {
  it('keeps secrets out of meta.json and the journal, refuses without them, restores them from the environment', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const first = await runCli(['run', 'rb.yaml', '--var', `wrapped=[${SECRET}]`], {
      cwd: ws.dir,
      env: { PW: SECRET },
    });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const runDir = ws.runDirs()[0]!;
    // The step output copies (output/*.log) are among them: what the steps printed, redacted.
    expect(filesIn(runDir).some((path) => path.includes('/output/'))).toBe(true);
    for (const name of filesIn(runDir)) expect(readFileSync(name, 'utf8'), name).not.toContain(SECRET);

    ws.write('go', '');
    const without = await runCli(['resume', runDir], { cwd: ws.dir });
    expect(without.code, without.stdout + without.stderr).toBe(2);
    expect(without.stderr).toMatch(/not set: PW\b/);
    expect(ws.exists('used.out')).toBe(false);

    const resumed = await runCli(['resume', runDir], { cwd: ws.dir, env: { PW: SECRET } });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(ws.read('used.out')).toBe(`token=${SECRET}|token=${SECRET}|[${SECRET}]|${SECRET}\n`);
    for (const dir of ws.runDirs())
      for (const name of filesIn(dir)) expect(readFileSync(name, 'utf8'), name).not.toContain(SECRET);
  });
});

/** Every file under a run directory: meta.json, the journal and the step output copies. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}
