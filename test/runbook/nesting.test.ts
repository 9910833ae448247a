import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseRunbookBytes } from '../../src/runbook/load.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

/**
 * Self-referencing aliases and deep nesting of any kind end in a RunbookError with a
 * position (exit 2), never a RangeError from a blown stack, and quickly.
 */
async function problem(file: string, text: string): Promise<string> {
  const started = Date.now();
  try {
    buildRunbook(actions, await parseRunbookBytes(file, Buffer.from(text)));
  } catch (error) {
    expect(Date.now() - started, 'took too long').toBeLessThan(3000);
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

const mdStep = (body: string) => `# Drill\n\n## Step\n\n${body}\n\n\`\`\`sh\necho\n\`\`\`\n`;

describe('YAML aliases and nesting', () => {
  it('an alias that refers to itself is refused at the alias (it was a RangeError)', async () => {
    expect(await problem('a.yaml', 'drillbook: 1\nvars: &v {a: *v}\nsteps:\n  - run: echo\n')).toBe(
      'a.yaml:2:11: vars.a: a YAML alias here refers to a value that contains it, so it never ends (an alias may only repeat a value from outside itself)',
    );
    expect(await problem('p.yaml', 'drillbook: 1\nsteps:\n  - &s { id: a, parallel: [*s] }\n')).toMatch(
      /^p\.yaml:3:\d+: steps\[0\]\.parallel\[0\]: a YAML alias here refers to a value that contains it/,
    );
    expect(await problem('f.md', `---\nvars: &v {a: [*v]}\n---\n${mdStep('')}`)).toMatch(
      /^f\.md:2:\d+: vars\.a\[0\]: a YAML alias .* contains it/,
    );
  });

  it('aliases that nest deeper than 64 levels when expanded are refused with a position', async () => {
    const lines = ['drillbook: 1', 'vars:', '  a0: &a0 [1]'];
    for (let i = 1; i < 20; i++) lines.push(`  a${i}: &a${i} [[[[[[[[*a${i - 1}]]]]]]]]`);
    lines.push('steps: [{run: echo}]');
    expect(await problem('d.yaml', lines.join('\n'))).toMatch(
      /^d\.yaml:\d+:\d+: vars\.a\d+\[0\].*: nesting deeper than 64 levels/,
    );
  });

  it('deep flow and block collections are refused at their line', async () => {
    const flow = `drillbook: 1\nvars:\n  x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\nsteps: [{run: echo}]\n`;
    expect(await problem('flow.yaml', flow)).toMatch(
      /^flow\.yaml:3:\d+: YAML syntax error: nesting exceeded/,
    );
    const block = ['drillbook: 1', 'vars:', '  x:'];
    for (let i = 0; i < 1000; i++) block.push(`${'  '.repeat(i + 2)}- `);
    expect(await problem('block.yaml', block.join('\n'))).toMatch(
      /^block\.yaml:\d+:\d+: YAML syntax error: nesting/,
    );
    let steps = '';
    for (let i = 0; i < 40; i++) steps += `${'  '.repeat(i + 1)}- parallel:\n`;
    expect(
      await problem('par.yaml', `drillbook: 1\nsteps:\n${steps}${'  '.repeat(41)}- run: echo\n`),
    ).toMatch(/^par\.yaml:\d+:\d+: YAML syntax error: nesting/);
  });
});

describe('Markdown nesting and emphasis', () => {
  it('2000 nested `> ` on one line is refused at the 33rd (it was a RangeError)', async () => {
    expect(await problem('q.md', mdStep(`${'> '.repeat(2000)}x`))).toBe(
      'q.md:5:65: quotes and lists nested more than 32 deep on one line (a runbook needs a few levels at most)',
    );
  });

  it('lists nested on one line or by indentation are refused', async () => {
    expect(await problem('l.md', mdStep(`${'- '.repeat(5000)}x`))).toMatch(
      /^l\.md:5:\d+: quotes and lists nested/,
    );
    const indented = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n');
    expect(await problem('i.md', mdStep(indented))).toMatch(
      /^i\.md:70:1: indented 130 columns; lines are limited to 128/,
    );
  });

  it('a paragraph of thousands of emphasis marks is refused (the parser is quadratic in them)', async () => {
    expect(await problem('e.md', mdStep('*a'.repeat(100_000)))).toMatch(
      /^e\.md:5:2001: more than 1000 \* and _ in one paragraph/,
    );
  });

  it('emphasis nested past the tree limit is refused where it gets too deep', async () => {
    const nested = `${'*a '.repeat(200)}x${' a*'.repeat(200)}`;
    expect(await problem('n.md', mdStep(nested))).toMatch(
      /^n\.md:5:\d+: the Markdown is nested more than 128 levels deep here/,
    );
  });

  it('ordinary nesting, code blocks full of * and snake_case names still parse', async () => {
    const body = [
      '> **Note:** a quote',
      '> - with a list',
      '>   - nested',
      '',
      '- a',
      '  - b',
      '    - c',
    ].join('\n');
    const stars = `\`\`\`text\n${'*'.repeat(5000)}\n\`\`\``;
    const names = Array.from({ length: 600 }, (_, i) => `GREMLIN_TEAM_${i}`).join(' ');
    const doc = await parseRunbookBytes('ok.md', Buffer.from(mdStep(`${body}\n\n${stars}\n\n${names}`)));
    expect(buildRunbook(actions, doc).steps).toHaveLength(1);
  });
});
