import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseRunbookBytes } from '../../src/runbook/load.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

/**
 * HTML in a Markdown runbook is followed tag by tag (a fence inside `<details>` never runs).
 * Hostile HTML within the 2 MB cap (hundreds of thousands of unclosed tags, end tags that
 * match none, `<a` or `<!--` without an end) took minutes; it is read in linear time, and
 * HTML nested too deep is refused with a position.
 */
async function load(text: string): Promise<{ ms: number; problems: string }> {
  const started = Date.now();
  try {
    buildRunbook(actions, await parseRunbookBytes('h.md', Buffer.from(text)));
    return { ms: Date.now() - started, problems: '' };
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    return { ms: Date.now() - started, problems: error.message };
  }
}

const step = (html: string) => `# Drill\n\n## Step\n\n${html}\n\n\`\`\`sh\necho\n\`\`\`\n`;

describe('hostile HTML in a Markdown runbook', () => {
  it('150k open tags then 150k end tags matching none: refused at the line, in linear time', async () => {
    const r = await load(step(`<div>${'<div>'.repeat(150_000)}${'</b>'.repeat(150_000)}`));
    expect(r.ms).toBeLessThan(5000);
    expect(r.problems).toMatch(/^h\.md:5:1: more than 128 HTML elements are open here/);
  });

  it('a line of 300k `<a` without `>`, or 400k unclosed `<!--`: read in linear time', async () => {
    for (const html of [`<div ${'<a '.repeat(300_000)}`, `<div>\n${'<!--'.repeat(400_000)}`]) {
      const r = await load(step(html));
      expect(r.ms, html.slice(0, 12)).toBeLessThan(5000);
    }
  });

  it('128 nested elements closed again are fine; comments still hide tags', async () => {
    const nested = `${'<div>'.repeat(128)}\n${'</div>'.repeat(128)}`;
    expect((await load(step(nested))).problems).toBe('');
    expect((await load(step('<!-- <details> -->\n<p>note'))).problems).toBe('');
    expect((await load(step('<details>\n<!-- </details> -->'))).problems).toMatch(
      /this ```sh block is inside HTML \(<details>\)/,
    );
  });
});

describe('a Markdown runbook with tens of thousands of blocks', () => {
  const headings = (n: number) =>
    `# Drill\n\n${Array.from({ length: n }, (_, i) => `## s${i}\n\n\`\`\`sh\ntrue\n\`\`\`\n`).join('\n')}`;

  it('more than 20000 lines is refused at line 20001 before parsing (60k headings took 35 s and 1.7 GB)', async () => {
    const r = await load(headings(60_000));
    expect(r.ms).toBeLessThan(3000);
    expect(r.problems).toMatch(
      /^h\.md:20001:1: a Markdown runbook has at most 20000 lines; this one has 3600\d\d/,
    );
  });

  it('up to 20000 lines is read', async () => {
    const text = headings(3000);
    expect(text.split('\n').length).toBeLessThanOrEqual(20_000);
    expect((await load(text)).problems).toBe('');
  });
});
