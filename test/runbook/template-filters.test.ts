// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShellValues } from '../../src/runbook/shell-values.js';
import { checkRefs, renderTemplate, TemplateError, type TemplateScope } from '../../src/runbook/template.js';
import { remoteCommand } from '../../src/ssh/command.js';
import { drill, yamlRunbook } from '../support/drill.js';

const scope = (vars: Record<string, string>, extra: Partial<TemplateScope> = {}): TemplateScope => ({
  vars,
  env: {},
  secrets: [],
  hosts: {},
  steps: {},
  ...extra,
});

/** Runs rendered shell text with a real /bin/sh, the values in its environment: what `run:` does. */
function sh(template: string, s: TemplateScope): string {
  const values = new ShellValues();
  const text = renderTemplate(template, s, { shell: values });
  return execFileSync('/bin/sh', ['-c', text], {
    env: { PATH: process.env['PATH'], ...values.env },
  }).toString();
}

/** `printf '<%s>'` shows exactly which arguments the shell passed. */
const ARGS = "printf '<%s>' {{ vars.cmd | words }}";

const known = (vars: string[], extra: { steps?: string[]; secrets?: string[] } = {}) => ({
  vars: new Set(vars),
  hosts: {},
  steps: new Set(extra.steps ?? []),
  secrets: new Set(extra.secrets ?? []),
});

describe('the words filter', () => {
  it('passes a command prefix as separate arguments (the issue: sudo -u postgres psql -Atc)', () => {
    expect(sh(ARGS, scope({ cmd: 'sudo -u postgres psql -Atc' }))).toBe('<sudo><-u><postgres><psql><-Atc>');
    // Without | words the same var is one word, as before.
    expect(sh("printf '<%s>' {{ vars.cmd }}", scope({ cmd: 'a b' }))).toBe('<a b>');
  });

  it('runs nothing a word holds: every word reaches the shell as data', () => {
    const hostile =
      '$(echo PWNED) `echo PWNED` ; echo PWNED && echo PWNED | * ?  ${HOME} \'x" $((1+1)) >/dev/null';
    const out = sh(`${ARGS}; echo end`, scope({ cmd: hostile }));
    expect(out).toBe(
      '<$(echo><PWNED)><`echo><PWNED`><;><echo><PWNED><&&><echo><PWNED><|><*><?><${HOME}><\'x"><$((1+1))><>/dev/null>end\n',
    );
    // The text the shell parses holds no value at all, only references.
    const values = new ShellValues();
    const text = renderTemplate(ARGS, scope({ cmd: hostile }), { shell: values });
    expect(text).not.toContain('PWNED');
    expect(text).toMatch(/^printf '<%s>' "\$\{DRILLBOOK_V1\}" "\$\{DRILLBOOK_V2\}"/);
  });

  it('over SSH too: the words travel on stdin as data and arrive as separate arguments', () => {
    const hostile = "psql -c $(touch${IFS}pwned) ';' `id`";
    const values = new ShellValues();
    const text = renderTemplate(ARGS, scope({ cmd: hostile }), { shell: values });
    const remote = remoteCommand(text, {}, values.env, false);
    expect(remote.command).not.toContain('pwned');
    const r = spawnSync('/bin/sh', ['-c', remote.command], { input: remote.input, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe("<psql><-c><$(touch${IFS}pwned)><';'><`id`>");
  });

  it('property: any words, split on blanks, arrive as exactly those arguments', () => {
    const word = fc.string({ minLength: 1, maxLength: 12 }).filter((w) => !/[ \t\n\0]/.test(w));
    const blanks = fc.constantFrom(' ', '  ', '\t', '\n', ' \t ');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), blanks, blanks, (words, sep, edge) => {
        const out = sh(ARGS, scope({ cmd: edge + words.join(sep) + edge }));
        expect(out).toBe(words.map((w) => `<${w}>`).join('') || '<>');
      }),
      { numRuns: 150 },
    );
  });

  it('an empty value is no argument at all', () => {
    expect(sh("printf '[%s]' x {{ vars.cmd | words }} y", scope({ cmd: '  ' }))).toBe('[x][y]');
  });

  it('is refused inside quotes and here-documents, where the words could not be separate', () => {
    for (const text of [
      "echo '{{ vars.cmd | words }}'",
      'echo "{{ vars.cmd | words }}"',
      'cat <<EOF\n{{ vars.cmd | words }}\nEOF',
    ]) {
      const problems = checkRefs(text, known(['cmd']), { shell: true });
      expect(problems.map((p) => p.message).join(), text).toMatch(/must stand outside quotes/);
      expect(() => renderTemplate(text, scope({ cmd: 'a b' }), { shell: new ShellValues() })).toThrow(
        /must stand outside quotes/,
      );
    }
    expect(checkRefs('echo {{ vars.cmd | words }}', known(['cmd']), { shell: true })).toEqual([]);
  });

  it('is shown quoted word by word in plan, and joined by spaces outside shell text', () => {
    expect(renderTemplate(ARGS, scope({ cmd: "kubectl --context it's" }), { shell: 'display' })).toBe(
      `printf '<%s>' 'kubectl' '--context' 'it'\\''s'`,
    );
    expect(renderTemplate('{{ vars.cmd | words }}', scope({ cmd: ' a \n b ' }), { shell: false })).toBe(
      'a b',
    );
  });
});

describe('the default filter', () => {
  it('gives its text when the var is not defined, the value when it is', () => {
    const t = "x={{ vars.opt | default('fallback value') }}";
    expect(renderTemplate(t, scope({}), { shell: false })).toBe('x=fallback value');
    expect(renderTemplate(t, scope({ opt: 'given' }), { shell: false })).toBe('x=given');
    expect(renderTemplate("{{ env.NOPE | default('') }}", scope({}), { shell: false })).toBe('');
  });

  it('a default is data too: it never runs', () => {
    expect(sh("printf '<%s>' {{ vars.opt | default('$(echo PWNED); echo PWNED') }}", scope({}))).toBe(
      '<$(echo PWNED); echo PWNED>',
    );
  });

  it('combines with words in either order', () => {
    expect(sh("printf '<%s>' {{ vars.opt | default('a b') | words }}", scope({}))).toBe('<a><b>');
    expect(sh("printf '<%s>' {{ vars.opt | words | default('a b') }}", scope({}))).toBe('<a><b>');
  });

  it('lets an optional var go undefined, but a typo of a defined var is still an error', () => {
    expect(checkRefs("{{ vars.region | default('eu-west-1') }}", known(['control']))).toEqual([]);
    const typo = checkRefs("{{ vars.contrl | default('') }}", known(['control']));
    expect(typo.map((p) => `${p.message} (${p.hint})`)).toEqual([
      "undefined variable 'contrl' (did you mean control?)",
    ]);
  });

  it('a secret takes no filter', () => {
    expect(() => renderTemplate("{{ secrets.TOKEN | default('x') }}", scope({}), { shell: false })).toThrow(
      /a secret takes no filter/,
    );
    const viaEnv = checkRefs('{{ env.TOKEN | words }}', known([], { secrets: ['TOKEN'] }));
    expect(viaEnv.map((p) => p.message)).toEqual(['a secret takes no filter']);
  });
});

describe('filter syntax', () => {
  const problem = (text: string) => {
    try {
      renderTemplate(text, scope({ v: 'x' }), { shell: false });
    } catch (error) {
      if (error instanceof TemplateError) return `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
      throw error;
    }
    return 'no error';
  };

  it('an unknown filter is an error with a did-you-mean', () => {
    expect(problem('{{ vars.v | word }}')).toBe("unknown template filter 'word' (did you mean words?)");
    expect(problem("{{ vars.v | defualt('') }}")).toBe(
      "unknown template filter 'defualt' (did you mean default?)",
    );
    expect(problem('{{ vars.v | upper }}')).toMatch(
      /^unknown template filter 'upper' \(filters are \| words and/,
    );
  });

  it('malformed filters are errors, never silently ignored', () => {
    expect(problem('{{ vars.v | default }}')).toMatch(/default needs one single-quoted text/);
    expect(problem('{{ vars.v | default("x") }}')).toMatch(/default needs one single-quoted text/);
    expect(problem('{{ vars.v | words(1) }}')).toMatch(/takes no argument/);
    expect(problem('{{ vars.v | }}')).toMatch(/a filter name is missing/);
    expect(problem('{{ vars.v | words | words }}')).toMatch(/given twice/);
    expect(problem("{{ vars.v | default('a') x }}")).toMatch(/unexpected 'x'/);
  });
});

describe('filters in a real drill', () => {
  it('validates, runs with the engine, and a finally guard with default works in a dry run', async () => {
    const runbook = await yamlRunbook(`
drillbook: 1
name: filters
vars: { cmd: "printf <%s>" }
steps:
  - id: prefix
    run: "{{ vars.cmd | words }} one 'two three' {{ vars.extra | default('--flag') }}"
  - id: found
    run: echo found
    save: found
finally:
  - id: guard
    when: "{{ vars.found | default('') }}"
    run: echo guard ran
`);
    const real = await drill(runbook);
    expect(real.end.status).toBe('passed');
    expect(real.output('prefix')).toBe('<one><two three><--flag>');
    expect(real.output('guard')).toContain('guard ran');
    const dry = await drill(runbook, { dryRun: true });
    expect(dry.end.status).toBe('passed');
  });
});
