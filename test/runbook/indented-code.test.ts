import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

// An indented code block looks like a command on GitHub but has no language saying it runs.
// Beside a ```sh fence it used to be dropped without a word; alone it was "no action".

function load(text: string): string {
  try {
    const runbook = buildRunbook(actions, parseMarkdown('drill.md', text));
    return `loaded: ${runbook.steps.map((s) => (s.kind === 'action' ? JSON.stringify(s.action.config) : s.id)).join(', ')}`;
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
}

const REFUSED =
  'this indented code block never runs: only a ```sh fence (or ```yaml drillbook) at the top level of a step runs (fence it as ```sh to run it, or as ```console / ```text to show it)';

describe('indented code blocks in a step', () => {
  it('is refused at the block, beside a fence, alone, and with CRLF or a tab', () => {
    for (const eol of ['\n', '\r\n']) {
      const beside = [
        '# T',
        '',
        '## Stop blue',
        '',
        '```sh',
        'echo stop',
        '```',
        '',
        '    rm -rf /srv/blue',
        '',
      ].join(eol);
      expect(load(beside)).toBe(`drill.md:9:1: ${REFUSED}`);
      const alone = ['# T', '', '## Stop blue', '', '\tstop blue', ''].join(eol);
      expect(load(alone)).toBe(`drill.md:5:1: ${REFUSED}`);
    }
  });

  it('leaves fences indented by up to three spaces, tildes and documentation blocks alone', () => {
    const text = [
      '# T',
      '',
      '## Stop blue',
      '',
      '   ~~~sh',
      '   echo stop',
      '   ~~~',
      '',
      '```console',
      '$ echo stop',
      '```',
      '',
      '- a list item',
      '',
      '      indented inside the list, which is prose of the list',
      '',
    ].join('\n');
    expect(load(text)).toBe('loaded: {"command":"echo stop","env":{}}');
  });
});
