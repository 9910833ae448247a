import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { actions } from '../support/registry.js';

/**
 * What `validate` refuses in an `ssm:` step, each at its file:line:column, all in one file
 * (the loader reports every problem, not only the first).
 */
interface Refusal {
  yaml: string;
  line: number;
  message: RegExp;
}
/**
 * Two files: the loader reports schema problems (shape, durations, unknown keys) before it
 * asks an action to parse its config, so the action's own refusals go in a file of their own.
 */
const FILES = { parse: newFile(), schema: newFile() };
let into = FILES.parse;
function newFile(): { lines: string[]; refusals: Refusal[] } {
  return { lines: ['name: ssm-refusals', 'secrets: [TOKEN]', 'vars: { v: x }', 'steps:'], refusals: [] };
}
function step(body: string[], message: RegExp, lineOffset: number): void {
  const at = into.lines.length + 1 + lineOffset;
  into.lines.push(...body);
  into.refusals.push({ yaml: body.join('\n'), line: at, message });
}
step(
  [
    '  - id: both-targets',
    '    ssm:',
    '      instance_ids: [i-1]',
    '      tags: { Role: api }',
    '      commands: [uptime]',
  ],
  /give either instance_ids or tags, not both/,
  3,
);
step(
  ['  - id: no-target', '    ssm: { commands: [uptime] }'],
  /say which instances: instance_ids: \[\.\.\.\] or tags/,
  1,
);
step(
  [
    '  - id: bad-max-errors',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands: [uptime]',
    '      max_errors: lots',
  ],
  /"lots" is not a count or percentage SSM accepts for max_errors/,
  4,
);
step(
  [
    '  - id: bad-percent',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands: [uptime]',
    '      max_concurrency: 0%',
  ],
  /"0%" is not a count or percentage SSM accepts for max_concurrency/,
  4,
);
into = FILES.schema;
step(
  [
    '  - id: bad-within',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands: [uptime]',
    '      within: 5 parsecs',
  ],
  /expected a duration like 500ms, 30s, 4m or 1h30m, got the string "5 parsecs"/,
  4,
);
into = FILES.parse;
step(['  - id: no-commands', '    ssm: { tags: { Role: api } }'], /AWS-RunShellScript needs commands:/, 1);
step(
  [
    '  - id: secret-in-command',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands:',
    '        - uptime',
    '        - echo {{ secrets.TOKEN }}',
  ],
  /a secret cannot be sent through SSM Run Command/,
  5,
);
step(
  [
    '  - id: template-other-document',
    '    ssm:',
    '      tags: { Role: api }',
    '      document: AWS-RunPowerShellScript',
    '      commands: ["Write-Output {{ vars.v }}"]',
  ],
  /templates in commands need the AWS-RunShellScript document/,
  4,
);
step(
  [
    '  - id: refused-context',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands: ["echo `echo {{ vars.v }}`"]',
  ],
  /backticks/,
  3,
);
into = FILES.schema;
step(
  [
    '  - id: unknown-key',
    '    ssm:',
    '      tags: { Role: api }',
    '      commands: [uptime]',
    '      max_error: 1',
  ],
  /max_error/,
  4,
);

describe('ssm: validation', () => {
  it.each(Object.entries(FILES))(
    'refuses each mistake with file:line:column and what was expected (%s)',
    async (name, { lines, refusals }) => {
      const dir = mkdtempSync(join(tmpdir(), 'drillbook-ssm-validate-'));
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const error = await loadRunbook(actions, file, { env: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RunbookError);
      const errors = (error as RunbookError).errors;
      expect(errors).toHaveLength(refusals.length);
      for (const s of refusals) {
        const found = errors.find((e) => s.message.test(e.message));
        expect(
          found,
          `${s.yaml}\n-- got: ${errors.map((e) => `${e.line}: ${e.message}`).join('\n')}`,
        ).toBeDefined();
        expect(found?.file).toBe(file);
        expect({ line: found?.line, what: s.message.source }).toEqual({
          line: s.line,
          what: s.message.source,
        });
        expect(found?.column).toBeGreaterThan(0);
      }
    },
  );

  it('accepts the shapes the README shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-ssm-validate-'));
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      `name: ok
vars: { release: "2.0" }
steps:
  - ssm: { instance_ids: [i-0b1e000000000b1e0], commands: "uptime" }
  - ssm:
      tags: { Role: bookstore-api, Env: prod }
      commands: ["echo {{ vars.release }}", "systemctl restart gunicorn"]
      parameters: { workingDirectory: /srv/app, executionTimeout: 600 }
      max_concurrency: 25%
      max_errors: 0
      within: 10m
      comment: deploy
  - ssm: { tags: { Role: api }, document: AWS-ApplyPatchBaseline, parameters: { Operation: Scan } }
`,
    );
    const runbook = await loadRunbook(actions, file, { env: {} });
    expect(runbook.steps.map((s) => (s.kind === 'action' ? s.action.type : s.kind))).toEqual([
      'ssm',
      'ssm',
      'ssm',
    ]);
  });
});
