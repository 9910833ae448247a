import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

// Step ids are what people type (`--approve`, `--only`) and link to (`runbook.md#id`):
// two steps must never answer to the same one.

const md = (...lines: string[]) => `${lines.join('\n')}\n`;

function problems(text: string): string {
  try {
    buildRunbook(actions, parseMarkdown('drill.md', text));
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  return 'loaded';
}

describe('step ids', () => {
  it('refuses ids that differ only in case, explicit or from a heading', () => {
    expect(
      problems(
        md(
          '# T',
          '',
          '## One',
          '',
          '```sh {id=Stop}',
          'a',
          '```',
          '',
          '## Two',
          '',
          '```sh {id=stop}',
          'b',
          '```',
        ),
      ),
    ).toBe(
      'drill.md:11:8: steps[1].id: duplicate step id "stop": it differs from "Stop" only in case (first used at line 3; ids must be unique)',
    );
    expect(
      problems(
        md('# T', '', '## Stop', '', '```sh', 'a', '```', '', '## Two', '', '```sh {id=STOP}', 'b', '```'),
      ),
    ).toContain('duplicate step id "STOP": it differs from "stop" only in case');
  });

  it('still accepts distinct ids and reports an exact duplicate as before', () => {
    expect(
      problems(
        md('# T', '', '## A', '', '```sh {id=a1}', 'a', '```', '', '## B', '', '```sh {id=a2}', 'b', '```'),
      ),
    ).toBe('loaded');
    expect(
      problems(
        md('# T', '', '## A', '', '```sh {id=a}', 'a', '```', '', '## B', '', '```sh {id=a}', 'b', '```'),
      ),
    ).toBe('drill.md:11:8: steps[1].id: duplicate step id "a" (first used at line 3; ids must be unique)');
  });

  it('refuses a misspelt fence attribute instead of dropping it', () => {
    expect(problems(md('# T', '', '## A', '', '```sh {idd=a}', 'a', '```'))).toBe(
      'drill.md:5:8: steps[0].idd: unknown key "idd" (did you mean "id"?)',
    );
  });
});
