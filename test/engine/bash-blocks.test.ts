// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { actions } from '../support/registry.js';

// A ```bash block is bash. Run with /bin/sh (dash on Debian), `[[ $status != ok ]]` is
// "command not found": the `if` sees a false condition, skips its `exit 1`, and a check of a
// broken system passes.

async function markdownRunbook(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-bash-'));
  const file = join(dir, 'drill.md');
  writeFileSync(file, text);
  return loadRunbook(actions, file, { env: process.env });
}

const CHECK = (lang: string, status: string) =>
  [
    '# Bash checks',
    '',
    '## Check health',
    '',
    `\`\`\`${lang}`,
    `status=${status}`,
    'if [[ "$status" != "ok" ]]; then echo "broken: $status"; exit 1; fi',
    'words=(a b c); echo "checked ${#words[@]} things"',
    '```',
    '',
  ].join('\n');

describe('```bash blocks run with bash', () => {
  it('a bash check fails on a broken system and passes on a healthy one', async () => {
    const broken = await drill(await markdownRunbook(CHECK('bash', 'down')));
    expect(broken.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(broken.output('check-health')).toContain('broken: down');

    const healthy = await drill(await markdownRunbook(CHECK('bash', 'ok')));
    expect(healthy.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(healthy.output('check-health')).toContain('checked 3 things');
  });

  it('a ```bash block asks for bash; a ```sh block stays /bin/sh', async () => {
    const bash = await markdownRunbook(CHECK('bash', 'ok'));
    expect(bash.steps[0]).toMatchObject({ action: { type: 'run', config: { shell: 'bash' } } });
    const sh = await markdownRunbook(CHECK('sh', 'ok'));
    expect(sh.steps[0]).toMatchObject({ action: { type: 'run', config: { command: expect.any(String) } } });
    expect((sh.steps[0] as { action: { config: object } }).action.config).not.toHaveProperty('shell');
  });

  it('YAML can ask for bash too, and refuses any other shell', async () => {
    const r = await drill(
      await yamlRunbook(`
steps:
  - id: check
    run: { command: 'x=(1 2); [[ \${#x[@]} -eq 2 ]] && echo two', shell: bash }
`),
    );
    expect(r.end.status).toBe('passed');
    expect(r.output('check')).toContain('two');
    const refused = await yamlRunbook('steps:\n  - { id: a, run: { command: "true", shell: zsh } }\n').then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/runbook\.yaml:2:\d+: steps\[0\]\.run\.shell/);
  });
});
