// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { stripPrompts } from '../../src/runbook/markdown/prompts.js';
import { buildRunbook, slug } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

// Authoring mistakes in Markdown runbooks (issue 12): a typo must never remove a gate, a
// command that would not run must never look like it does, and step ids follow GitHub's
// heading anchors.

/** Lines of a Markdown file; line N of the file is argument N. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;
const parse = (text: string) => parseMarkdown('drill.md', text);
const stepsOf = (text: string) => (parse(text).data as { steps: Record<string, unknown>[] }).steps;
const idsOf = (text: string) => buildRunbook(actions, parse(text)).steps.map((s) => s.id);

/** The printed problems of a runbook that must not load (Markdown structure or validation). */
function problems(text: string): string {
  try {
    buildRunbook(actions, parse(text));
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

const step = (...body: string[]) => md('# T', '', '## Stop blue', '', ...body);

describe('callouts: a typo never removes a gate', () => {
  it('refuses a misspelt CONFIRM with a did-you-mean, at the marker', () => {
    expect(problems(step('> [!CONFRIM]', '> Stop blue?', '', '```sh', 'stop blue', '```'))).toBe(
      "drill.md:5:3: unknown callout `[!CONFRIM]`: did you mean [!CONFIRM]? (a callout is a gate, [!CONFIRM], or one of GitHub's alerts, [!NOTE] [!TIP] [!IMPORTANT] [!WARNING] [!CAUTION], which are documentation)",
    );
  });

  it('suggests the nearest word for every kind of typo, and nothing for unrelated words', () => {
    const cases: Array<[string, string | undefined]> = [
      ['CONFRIM', 'CONFIRM'],
      ['CONFIM', 'CONFIRM'],
      ['Confirn', 'CONFIRM'],
      ['CONFIRMED', 'CONFIRM'],
      ['WARN', 'WARNING'],
      ['WARNIGN', 'WARNING'],
      ['NOET', 'NOTE'],
      ['IMPORTENT', 'IMPORTANT'],
      ['CAUTON', 'CAUTION'],
      ['TPI', 'TIP'],
      ['DANGER', undefined],
      ['QUESTION', undefined],
    ];
    for (const [word, suggestion] of cases) {
      const message = problems(step(`> [!${word}]`, '> text', '', '```sh', 'x', '```'));
      expect(message, word).toContain(`drill.md:5:3: unknown callout \`[!${word}]\``);
      if (suggestion) expect(message, word).toContain(`did you mean [!${suggestion}]?`);
      else expect(message, word).not.toContain('did you mean');
    }
  });

  it('accepts GitHub alerts and CONFIRM in any case, as GitHub does', () => {
    for (const word of ['NOTE', 'tip', 'Important', 'WARNING', 'caution']) {
      const steps = stepsOf(step(`> [!${word}]`, '> Careful.', '', '```sh', 'x', '```'));
      expect(steps[0], word).toEqual({ name: 'Stop blue', description: `> [!${word}] Careful.`, run: 'x' });
    }
    for (const word of ['CONFIRM', 'confirm', 'Confirm']) {
      expect(stepsOf(step(`> [!${word}]`, '> Stop blue?'))[0], word).toEqual({
        name: 'Stop blue',
        confirm: 'Stop blue?',
      });
    }
  });

  it('finds unknown callouts wherever a quote is: preamble, lists, nested quotes, finally', () => {
    const text = md(
      '# T',
      '> [!NOET]',
      '> about this drill',
      '## A',
      '- item',
      '  > [!CONFRIM]',
      '  > sure?',
      '```sh',
      'x',
      '```',
      '## Finally: restore',
      '> > [!CONFIM]',
      '> > sure?',
      '```sh',
      'y',
      '```',
    );
    const message = problems(text);
    expect(message).toContain('drill.md:2:3: unknown callout `[!NOET]`: did you mean [!NOTE]?');
    expect(message).toContain('drill.md:6:5: unknown callout `[!CONFRIM]`: did you mean [!CONFIRM]?');
    expect(message).toContain('drill.md:12:5: unknown callout `[!CONFIM]`: did you mean [!CONFIRM]?');
  });

  it('refuses a [!CONFIRM] that is not the first line of its quote, where GitHub shows plain text', () => {
    expect(
      problems(step('> Before you go on:', '> [!CONFIRM]', '> Stop blue?', '', '```sh', 'x', '```')),
    ).toContain(
      'drill.md:6:3: this [!CONFIRM] is not the first line of its quote, so it is not a callout and would not stop the step (start a quote of its own with it: put a blank line before the `> [!CONFIRM]` line)',
    );
    expect(
      problems(step('> Before you go on:', '>', '> [!confirm]', '> Stop blue?', '', '```sh', 'x', '```')),
    ).toContain('drill.md:7:3: this [!CONFIRM] is not the first line of its quote');
  });

  it('refuses near misses of [!CONFIRM] that GitHub and drillbook would read as prose', () => {
    for (const first of ['> [CONFIRM]', '> [! CONFIRM]', '> [ !confirm ]', '> [CONFRIM]', '>  [!CONFIRM ]']) {
      const typed = first.slice(1).trim();
      expect(problems(step(first, '> Stop blue?', '', '```sh', 'x', '```')), first).toBe(
        `drill.md:5:${first.indexOf('[') + 1}: this quote starts like a gate, \`${typed}\`, but that is not the callout [!CONFIRM], so it would not stop the step (write \`> [!CONFIRM]\`: the \`!\` right after \`[\`, no spaces)`,
      );
    }
  });

  it('leaves brackets that are not callout markers alone', () => {
    for (const first of ['> [x] done', '> [!] bang', '> [!not a word] text', '> see [!NOTE] below']) {
      const steps = stepsOf(step(first, '', '```sh', 'x', '```'));
      expect(steps[0]?.['run'], first).toBe('x');
    }
  });
});

describe('fences: only a top-level fence in a step section runs', () => {
  it('refuses a sh fence inside <details>, which GitHub shows folded and drillbook would run', () => {
    const text = step(
      '<details>',
      '<summary>How</summary>',
      '',
      '```sh',
      'rm -rf /tmp/x',
      '```',
      '',
      '</details>',
    );
    expect(problems(text)).toBe(
      'drill.md:8:1: this ```sh block is inside HTML (<details>), where it would not run (move it out of the HTML block to run it, or mark it as documentation (```console))',
    );
  });

  it('refuses runnable fences in any open HTML element, nested or not, and lets doc fences be', () => {
    const message = problems(
      md(
        '## A',
        '<div>',
        '<details>',
        '',
        '```yaml drillbook',
        'wait: 1s',
        '```',
        '',
        '</details>',
        '',
        '```bash',
        'two',
        '```',
        '',
        '</div>',
        '',
        '```console',
        '$ docs only',
        '```',
        '```sh',
        'runs',
        '```',
      ),
    );
    expect(message.split('\n')).toEqual([
      'drill.md:5:1: this ```yaml drillbook block is inside HTML (<details>), where it would not run (move it out of the HTML block to run it, or mark it as documentation (```console))',
      'drill.md:11:1: this ```bash block is inside HTML (<div>), where it would not run (move it out of the HTML block to run it, or mark it as documentation (```console))',
    ]);
  });

  it('refuses a fence written inside an HTML block itself (no blank line), and a gate in HTML', () => {
    expect(problems(step('<details>', '```sh', 'x', '```', '</details>', '', '```sh', 'y', '```'))).toBe(
      'drill.md:6:1: this ```sh block is inside HTML (<details>), where it would not run (move it out of the HTML block to run it, or mark it as documentation (```console))',
    );
    expect(
      problems(step('<details>', '', '> [!CONFIRM]', '> Sure?', '', '</details>', '', '```sh', 'y', '```')),
    ).toBe(
      'drill.md:7:1: this > [!CONFIRM] is inside HTML (<details>), where it would not stop the step (move it out of the HTML block)',
    );
  });

  it('refuses a fence that follows a closing tag with no blank line: it is part of the HTML block', () => {
    expect(problems(step('<details>', '', 'text', '', '</details>', '```sh', 'y', '```'))).toBe(
      'drill.md:10:1: this ```sh block is part of the HTML block that starts at line 9, where it would not run (put a blank line before the fence)',
    );
  });

  it('runs a fence after the HTML element is closed, and ignores void and self-closed tags', () => {
    expect(
      stepsOf(step('<details>', '', 'text', '', '</details>', '', '```sh', 'x', '```'))[0]?.['run'],
    ).toBe('x');
    expect(
      stepsOf(step('<br>', '<img src="a.png"/>', '<!-- <div> -->', '', '```sh', 'x', '```'))[0]?.['run'],
    ).toBe('x');
    // An element whose end tag may be left out never holds the fences that follow it.
    expect(stepsOf(step('<p align="center">Intro', '', '```sh', 'x', '```'))[0]?.['run']).toBe('x');
  });

  it('says the same of fences in lists and quotes as before', () => {
    expect(problems(step('> ```sh', '> x', '> ```', '```sh', 'y', '```'))).toContain(
      'drill.md:5:3: this ```sh block is inside a list or quote, where it would not run',
    );
  });
});

describe('Runme-style $ prompts in shell fences', () => {
  it('strips the prompt from every line when every command line has one, as Runme does', () => {
    const text = step(
      '```sh {"id":"stop-blue","name":"stop-blue"}',
      '$ export TARGET=blue',
      '# comments and blank lines need no prompt',
      '',
      '$ curl -fsS -X POST \\',
      '    "http://127.0.0.1:8080/control/$TARGET/stop"',
      '$ echo "stopped $TARGET"',
      '```',
    );
    expect(stepsOf(text)[0]?.['run']).toBe(
      [
        'export TARGET=blue',
        '# comments and blank lines need no prompt',
        '',
        'curl -fsS -X POST \\',
        '    "http://127.0.0.1:8080/control/$TARGET/stop"',
        'echo "stopped $TARGET"',
      ].join('\n'),
    );
  });

  it('strips prompts in ssh and undo blocks too', () => {
    const steps = stepsOf(
      step(
        '```sh {host=blue}',
        '$ sudo systemctl stop app',
        '```',
        '```sh {undo}',
        '$ sudo systemctl start app',
        '```',
      ),
    );
    expect(steps[0]).toMatchObject({
      ssh: { host: 'blue', run: 'sudo systemctl stop app' },
      undo: { run: 'sudo systemctl start app' },
    });
  });

  it('leaves $VAR, ${VAR} and $(cmd) at the start of a line alone', () => {
    const text = step('```sh', '$HOME/bin/check', '${TOOL:-true}', '$(which true)', '```');
    expect(stepsOf(text)[0]?.['run']).toBe('$HOME/bin/check\n${TOOL:-true}\n$(which true)');
  });

  it('gives back exactly the commands that were prompted, and leaves prompt-free text as it is', () => {
    const command = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((c) => !c.includes('\n') && /^[^\s$#]/.test(c) && !c.endsWith('\\'));
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 8 }), (commands) => {
        const result = stripPrompts(commands.map((c) => `$ ${c}`).join('\n'));
        expect(result).toEqual({ ok: true, command: commands.join('\n') });
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        fc.pre(!text.split('\n').some((line) => /^[ \t]*\$([ \t]|$)/.test(line)));
        expect(stripPrompts(text)).toEqual({ ok: true, command: text });
      }),
    );
  });

  it('ignores the runme: key Runme writes into the frontmatter of files it saves', () => {
    const doc = parse(
      md(
        '---',
        'runme:',
        '  id: 01HF7BT3HD84GWTQB8ZY0GBA06',
        '  version: v3',
        '---',
        '## A',
        '```sh',
        'x',
        '```',
      ),
    );
    expect(doc.data).toEqual({ steps: [{ name: 'A', run: 'x' }] });
  });

  it('refuses a console transcript: prompts mixed with lines that have none', () => {
    const text = step('```sh', '$ curl -fsS http://127.0.0.1:8080/health', 'ok', '$ echo done', '```');
    expect(problems(text)).toBe(
      'drill.md:7:1: steps[0]: line 7 has no `$ ` prompt but line 6 has one: this looks like a console transcript, where output lines would run as commands (drop every `$ ` prompt, put prompts on every command line, or mark the block as documentation (```console))',
    );
  });
});

describe('step ids from headings are GitHub anchors', () => {
  it('keeps Unicode letters', () => {
    expect(
      idsOf(
        md(
          '## Überprüfen',
          '```sh',
          'x',
          '```',
          '## 检查服务',
          '```sh',
          'x',
          '```',
          '## 重启服务',
          '```sh',
          'x',
          '```',
          '## Ξανά: δοκιμή',
          '```sh',
          'x',
          '```',
          '## Deploy to blue!',
          '```sh',
          'x',
          '```',
        ),
      ),
    ).toEqual(['überprüfen', '检查服务', '重启服务', 'ξανά-δοκιμή', 'deploy-to-blue']);
  });

  it('is the anchor GitHub gives the heading, also for the YAML id default from name', () => {
    const cases: Array<[string, string]> = [
      ['Go / no-go', 'go--no-go'],
      ['Check `front` (green)', 'check-front-green'],
      ['Stop_blue', 'stop_blue'],
      ['  Wait 30 s  ', 'wait-30-s'],
      ['Café ☕ open', 'café--open'],
      [
        'A name long enough to pass sixty characters, which GitHub never cuts',
        'a-name-long-enough-to-pass-sixty-characters-which-github-never-cuts',
      ],
    ];
    for (const [name, id] of cases) {
      expect(idsOf(md(`## ${name}`, '```sh', 'x', '```')), name).toEqual([id]);
      const yaml = {
        file: 'd.yaml',
        format: 'yaml' as const,
        text: '',
        positions: new Map(),
        data: { steps: [{ name, run: 'x' }] },
      };
      expect(
        buildRunbook(actions, yaml).steps.map((s) => s.id),
        name,
      ).toEqual([id]);
    }
  });

  it('makes ids that are never empty, hold no space or upper case, and are their own slug', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const id = slug(text);
        expect(id).not.toBe('');
        expect(id).not.toMatch(/\s/);
        expect(id).toBe(id.toLowerCase());
        expect(slug(id)).toBe(id);
      }),
    );
  });

  it('names a step "step" when its heading has no letters or digits', () => {
    expect(idsOf(md('## !!!', '```sh', 'x', '```'))).toEqual(['step']);
  });

  it('refuses two headings with the same anchor, naming both lines and how to fix it', () => {
    expect(problems(md('## 检查服务', '```sh', 'x', '```', '## 检查服务', '```sh', 'y', '```'))).toBe(
      'drill.md:5:1: steps[1]: duplicate step id "检查服务" (first used at line 1; ids must be unique: give one of the steps an id of its own, e.g. ```sh {id=...})',
    );
    expect(
      problems(md('## Check: blue', '```sh', 'x', '```', '## Check blue?', '```sh', 'y', '```')),
    ).toContain('duplicate step id "check-blue"');
  });
});
