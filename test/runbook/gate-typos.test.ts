import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

// Attack on issue 12's "a typo never removes a gate": every way of writing a gate that a
// person might type either gives the step its gate or is refused at the marker. A runbook
// that loads with the gate gone is the one outcome that must never happen.

type Outcome = { gate: unknown } | { refused: string };

function outcome(text: string): Outcome {
  try {
    const runbook = buildRunbook(actions, parseMarkdown('drill.md', text));
    return { gate: runbook.steps[0]?.confirm?.message };
  } catch (error) {
    if (error instanceof RunbookError) return { refused: error.message };
    throw error;
  }
}

/** A step whose gate lines are `gate`, with the given line ending and optional frontmatter. */
function drillWith(gate: string[], eol = '\n', frontmatter = false): string {
  const head = frontmatter ? ['---', 'name: t', '---', ''] : [];
  return [...head, '# T', '', '## Stop blue', '', ...gate, '', '```sh', 'echo stop', '```', ''].join(eol);
}

const SHAPES: Array<[name: string, gate: string[]]> = [
  ['marker then question', ['> [!CONFIRM]', '> Stop blue?']],
  ['mixed case', ['> [!Confirm]', '> Stop blue?']],
  ['no space after >', ['>[!CONFIRM]', '> Stop blue?']],
  ['tab after >', ['>\t[!CONFIRM]', '> Stop blue?']],
  ['question on the marker line', ['> [!CONFIRM] Stop blue?']],
  ['bold marker', ['> **[!CONFIRM]**', '> Stop blue?']],
  ['colon after the marker, question on it', ['> [!Confirm]: Stop blue?']],
  ['colon after the marker, one-word question', ['> [!Confirm]: Proceed?']],
  ['colon after the marker, question below', ['> [!CONFIRM]:', '> Stop blue?']],
  ['colon, no quote', ['[!CONFIRM]: Stop blue?']],
  ['no quote at all', ['[!CONFIRM]', 'Stop blue?']],
  ['no quote, misspelt', ['[!CONFRIM]', 'Stop blue?']],
  ['no quote, no bang', ['[CONFIRM]', 'Stop blue?']],
  ['misspelt', ['> [!CONFRIM]', '> Stop blue?']],
  ['misspelt with colon', ['> [!CONFRIM]: Stop blue?']],
  ['space after bang', ['> [! CONFIRM]', '> Stop blue?']],
  ['no bang', ['> [CONFIRM]', '> Stop blue?']],
];

describe('gate typos: every shape gives a gate or is refused, in every file flavour', () => {
  const flavours: Array<[string, string, boolean]> = [
    ['LF, no frontmatter', '\n', false],
    ['CRLF, no frontmatter', '\r\n', false],
    ['LF, frontmatter', '\n', true],
    ['CRLF, frontmatter', '\r\n', true],
  ];
  for (const [flavour, eol, frontmatter] of flavours)
    it(flavour, () => {
      for (const [name, gate] of SHAPES) {
        const result = outcome(drillWith(gate, eol, frontmatter));
        if ('gate' in result)
          expect(result.gate, `${name}: loaded, so it must keep its gate`).toBe('Stop blue?');
        else expect(result.refused, name).toMatch(/^drill\.md:\d+:\d+: /);
      }
    });

  it('names the colon mistake at the marker, with the fix', () => {
    expect(outcome(drillWith(['> [!Confirm]: Proceed?']))).toEqual({
      refused:
        'drill.md:5:3: `[!Confirm]:` is read as a link definition, not a callout: the colon makes it invisible on GitHub and it would not stop the step (drop the colon and put the marker alone on its line: `> [!CONFIRM]`, then the question on the next `>` line)',
    });
    expect(outcome(drillWith(['> [!NOTE]: careful']))).toEqual({
      refused:
        'drill.md:5:3: `[!NOTE]:` is read as a link definition, not a callout: the colon makes it invisible on GitHub (drop the colon and put the marker alone on its line: `> [!NOTE]`, then the text on the next `>` line)',
    });
  });

  it('names a marker written without its quote', () => {
    expect(outcome(drillWith(['[!CONFIRM]', 'Stop blue?']))).toEqual({
      refused:
        'drill.md:5:1: this `[!CONFIRM]` is not in a quote, so it is not a callout and would not stop the step (start the line with `> `: `> [!CONFIRM]`, then the question on the next `>` line)',
    });
  });

  it('still accepts prose and links that merely mention a callout or use brackets', () => {
    const prose = drillWith([
      '> [!NOTE]',
      '> Blue is [the old pool][pool].',
      '',
      '[pool]: https://example.com',
      '',
      'See [!] and [docs].',
    ]);
    expect(outcome(prose)).toEqual({ gate: undefined });
  });
});
