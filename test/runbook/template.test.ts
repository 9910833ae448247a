// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ShellValues } from '../../src/runbook/shell-values.js';
import {
  checkRefs,
  type KnownNames,
  parseTemplate,
  renderDeep,
  renderLater,
  renderTemplate,
  type ShellMode,
  TemplateError,
  type TemplateScope,
} from '../../src/runbook/template.js';
import { evaluateWhenTemplate } from '../../src/runbook/when.js';

function parseError(text: string): TemplateError {
  try {
    parseTemplate(text);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

function renderError(text: string, scope: TemplateScope, shell: ShellMode = false): TemplateError {
  try {
    renderTemplate(text, scope, { shell });
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail to render`);
}

describe('parseTemplate', () => {
  it('splits literals and references with offsets of the braces', () => {
    const text = 'ssh {{ hosts.blue.user }}@{{hosts.blue.host}} -p {{ hosts.blue.port }}';
    expect(parseTemplate(text)).toEqual([
      'ssh ',
      { ref: { root: 'hosts', path: ['blue', 'user'] }, start: 4, end: 25 },
      '@',
      { ref: { root: 'hosts', path: ['blue', 'host'] }, start: 26, end: 45 },
      ' -p ',
      { ref: { root: 'hosts', path: ['blue', 'port'] }, start: 49, end: 70 },
    ]);
    expect(text.slice(4, 25)).toBe('{{ hosts.blue.user }}');
  });

  it('reads every root', () => {
    const refs = parseTemplate(
      '{{ vars.region }}{{ env.HOME }}{{ secrets.GREMLIN_TEAM_SECRET }}{{ steps.find-live.output }}',
    ).map((p) => (typeof p === 'string' ? p : p.ref));
    expect(refs).toEqual([
      { root: 'vars', path: ['region'] },
      { root: 'env', path: ['HOME'] },
      { root: 'secrets', path: ['GREMLIN_TEAM_SECRET'] },
      { root: 'steps', path: ['find-live', 'output'] },
    ]);
  });

  it("writes a literal {{ as {{ '{{' }} and leaves a lone }} alone", () => {
    expect(parseTemplate("echo {{ '{{' }} x }} {{'}}'}}")).toEqual(['echo {{ x }} }}']);
    expect(parseTemplate('plain text')).toEqual(['plain text']);
    expect(parseTemplate('')).toEqual([]);
  });

  it('reports an unclosed {{ at its offset', () => {
    const e = parseError('echo hi {{ vars.x');
    expect(e.offset).toBe(8);
    expect(e.message).toContain('never closed');
    expect(parseError('a {{ vars.x {{ vars.y }}').offset).toBe(2);
  });

  it('rejects an empty template', () => {
    const e = parseError('x {{  }}');
    expect(e.offset).toBe(2);
    expect(e.message).toContain('empty');
  });

  it('suggests the root a typo meant', () => {
    const e = parseError('{{ var.region }}');
    expect(e.message).toContain("unknown template root 'var'");
    expect(e.hint).toBe('did you mean vars.region?');
    expect(parseError('{{ host.blue.host }}').hint).toBe('did you mean hosts.blue.host?');
    expect(parseError('{{ region }}').hint).toContain('vars.NAME');
  });

  it('rejects malformed paths', () => {
    for (const bad of [
      '{{ vars. }}',
      '{{ vars..x }}',
      '{{ .x }}',
      '{{ vars.x y }}',
      '{{ vars }}',
      '{{ vars.a.b }}',
      '{{ env.MY-VAR }}',
      '{{ hosts.blue }}',
      '{{ hosts.blue.ip }}',
      '{{ steps.deploy }}',
      '{{ vars.$(id) }}',
    ]) {
      expect(parseError(bad), bad).toBeInstanceOf(TemplateError);
    }
    expect(parseError('{{ hosts.blue.usr }}').hint).toBe('did you mean user?');
  });

  it('accepts only output from a step', () => {
    const e = parseError('{{ steps.deploy.stdout }}');
    expect(e.message).toContain('only a step output');
    expect(e.hint).toBe('write steps.deploy.output');
  });
});

describe('checkRefs', () => {
  const known: KnownNames = {
    vars: new Set(['region', 'zone_id']),
    hosts: { blue: new Set(['host', 'user']), green: new Set(['host']) },
    steps: new Set(['find-live']),
    secrets: new Set(['GREMLIN_TEAM_SECRET']),
    allSteps: new Set(['find-live', 'deploy', 'restore']),
  };

  it('accepts references to things that exist', () => {
    const text =
      '{{ vars.region }} {{ hosts.blue.user }} {{ hosts.green.port }} {{ steps.find-live.output }} {{ secrets.GREMLIN_TEAM_SECRET }} {{ env.ANYTHING }}';
    expect(checkRefs(text, known)).toEqual([]);
  });

  it('reports an undefined var with a suggestion and its offset', () => {
    const [e, ...rest] = checkRefs('aws --region {{ vars.regoin }}', known);
    expect(rest).toEqual([]);
    expect(e?.message).toBe("undefined variable 'regoin'");
    expect(e?.hint).toBe('did you mean region?');
    expect(e?.offset).toBe(13);
  });

  it('reports every problem in one string', () => {
    const errors = checkRefs('{{ hosts.blu.host }} {{ hosts.green.user }} {{ secrets.TOKEN }}', known);
    expect(errors.map((e) => e.message)).toEqual([
      "unknown host 'blu'",
      "host 'green' has no user set",
      "secret 'TOKEN' is not declared",
    ]);
    expect(errors[0]?.hint).toBe('did you mean blue?');
    expect(errors[2]?.hint).toContain('secrets:');
  });

  it('tells a later step from an unknown one', () => {
    const [later] = checkRefs('{{ steps.restore.output }}', known);
    expect(later?.message).toContain('does not run before this one');
    const [unknown] = checkRefs('{{ steps.deplyo.output }}', known);
    expect(unknown?.message).toBe("unknown step 'deplyo'");
    expect(unknown?.hint).toBe('did you mean deploy?');
  });

  it('returns a parse error instead of throwing', () => {
    const errors = checkRefs('echo {{ vars.x', known);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.offset).toBe(5);
  });

  it('in shell text, rejects templates no quoting can make safe', () => {
    const shell = { shell: true };
    expect(checkRefs('echo `echo {{ vars.region }}`', known, shell)[0]?.message).toContain('backticks');
    expect(checkRefs('echo "${X:-{{ vars.region }}}"', known, shell)[0]?.message).toContain('${');
    expect(checkRefs('echo "{{ vars.region }}" $(echo {{ vars.zone_id }})', known, shell)).toEqual([]);
    // A backslash or a bare $ right before a template would change how its quotes are read.
    expect(checkRefs('echo \\{{ vars.region }}', known, shell)[0]?.message).toContain('after a backslash');
    expect(checkRefs('echo "\\{{ vars.region }}"', known, shell)[0]?.message).toContain('after a backslash');
    expect(checkRefs('echo ${{ vars.region }}', known, shell)[0]?.message).toContain('after a $');
    expect(
      checkRefs('echo \\\\{{ vars.region }} \\${{ vars.region }} "${{ vars.region }}"', known, shell),
    ).toEqual([]);
    // the same text is fine when it is not shell text
    expect(checkRefs('echo `echo {{ vars.region }}`', known)).toEqual([]);
  });
});

const scope: TemplateScope = {
  vars: { region: 'us-west-2', empty: '', evil: '$(touch PWNED); reboot; echo \'x\' "y" `id` \\ \n#' },
  env: { HOME_DIR: '/home/ubuntu', GREMLIN_TEAM_SECRET: 's3cr3t-value' },
  secrets: ['GREMLIN_TEAM_SECRET'],
  hosts: { blue: { host: '54.213.54.171', user: 'ubuntu' }, green: { host: '52.11.79.9', port: 2222 } },
  steps: { 'find-live': { output: 'green' } },
};

describe('renderTemplate', () => {
  it('inserts values verbatim in text mode', () => {
    expect(
      renderTemplate(
        '{{ hosts.blue.user }}@{{ hosts.blue.host }}:{{ hosts.blue.port }} live={{ steps.find-live.output }} {{ vars.region }}',
        scope,
        { shell: false },
      ),
    ).toBe('ubuntu@54.213.54.171:22 live=green us-west-2');
    expect(renderTemplate('{{ hosts.green.port }} {{ env.HOME_DIR }}', scope, { shell: false })).toBe(
      '2222 /home/ubuntu',
    );
  });

  it('reads a secret from env only when it is declared', () => {
    expect(renderTemplate('{{ secrets.GREMLIN_TEAM_SECRET }}', scope, { shell: false })).toBe('s3cr3t-value');
    const undeclared = renderError('{{ secrets.HOME_DIR }}', scope);
    expect(undeclared.message).toContain('not declared');
    const unset = renderError('{{ secrets.GREMLIN_TEAM_SECRET }}', { ...scope, env: {} });
    expect(unset.message).toContain('environment variable GREMLIN_TEAM_SECRET is not set');
  });

  it('for display, shell-quotes values outside quotes as POSIX single-quoted words', () => {
    expect(renderTemplate('echo {{ vars.region }}', scope, { shell: 'display' })).toBe("echo 'us-west-2'");
    expect(renderTemplate('echo {{ vars.empty }}', scope, { shell: 'display' })).toBe("echo ''");
    const s = { ...scope, vars: { q: "it's" } };
    expect(renderTemplate('echo {{ vars.q }}', s, { shell: 'display' })).toBe(`echo 'it'\\''s'`);
  });

  it('for execution, writes references and keeps the values apart', () => {
    const values = new ShellValues();
    const s = { ...scope, vars: { ...scope.vars, q: "it's $(x)" } };
    const text = 'echo {{ vars.q }} "{{ vars.region }}" \'{{ vars.q }}\'';
    expect(renderTemplate(text, s, { shell: values })).toBe(
      'echo "${DRILLBOOK_V1}" "${DRILLBOOK_V2}" \'\'"${DRILLBOOK_V3}"\'\'',
    );
    expect({ ...values.env }).toEqual({
      DRILLBOOK_V1: "it's $(x)",
      DRILLBOOK_V2: 'us-west-2',
      DRILLBOOK_V3: "it's $(x)",
    });
  });

  it('refuses a value with a NUL byte, which no shell variable can hold', () => {
    const e = renderError('echo {{ vars.n }}', { ...scope, vars: { n: 'a\u0000b' } }, new ShellValues());
    expect(e.message).toBe('the value of vars.n contains a NUL byte, which no shell variable can hold');
    expect(e.offset).toBe(5);
  });

  it('names what is missing at run time', () => {
    expect(renderError('{{ env.NOPE }}', scope).message).toBe('environment variable NOPE is not set');
    expect(renderError('{{ vars.regin }}', scope).hint).toBe('did you mean region?');
    expect(renderError('{{ steps.deploy.output }}', scope).message).toContain("step 'deploy' has no output");
    expect(renderError('{{ hosts.green.user }}', scope).message).toContain('no user');
    expect(renderError('{{ hosts.red.host }}', scope).message).toContain("unknown host 'red'");
    const e = renderError('abc {{ env.NOPE }}', scope);
    expect(e.offset).toBe(4);
  });

  it('does not treat inherited object properties as vars', () => {
    expect(renderError('{{ vars.constructor }}', scope).message).toContain('not defined');
  });
});

describe('shell rendering run through /bin/sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'PWNED');

  const hostile = [
    '$(touch PWNED)',
    '`touch PWNED`',
    '; touch PWNED',
    '&& touch PWNED',
    '| touch PWNED',
    "'; touch PWNED; echo '",
    '"; touch PWNED; echo "',
    '\\"; touch PWNED; echo \\"',
    '$(touch PWNED)\n touch PWNED',
    'x\ntouch PWNED\n#',
    '${IFS}touch${IFS}PWNED',
    'it\'s a "quoted" \\ back\\slash $HOME * ?',
    '',
    ' leading and trailing spaces ',
    'ünïcødé ✓ 🚀',
    '-n',
    'EOF\ntouch PWNED\nEOF',
  ];

  function sh(command: string, values: ShellValues = new ShellValues()): string {
    return execFileSync('/bin/sh', ['-c', command], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], ...values.env },
    });
  }

  // Each template sits in a different shell context; every one must print the value as is.
  const shapes: Array<[string, (out: string, v: string) => void]> = [
    ["printf '%s' {{ vars.v }}", (out, v) => expect(out).toBe(v)],
    ['printf "%s" "{{ vars.v }}"', (out, v) => expect(out).toBe(v)],
    ["printf '%s' 'pre {{ vars.v }} post'", (out, v) => expect(out).toBe(`pre ${v} post`)],
    ['printf "%s" "$(printf "%s" {{ vars.v }})"', (out, v) => expect(out).toBe(v.replace(/\n+$/, ''))],
    ["printf '%s' x # a comment mentioning {{ vars.v }}", (out) => expect(out).toBe('x')],
    ['cat <<EOF\n[{{ vars.v }}]\nEOF', (out, v) => expect(out).toBe(`[${v}]\n`)],
    ['cat <<-EOF\n\t[{{ vars.v }}]\n\tEOF\necho after', (out, v) => expect(out).toBe(`[${v}]\nafter\n`)],
    [
      "printf \"%s|\" \"$(printf '%s' '{{ vars.v }}')\" x\\'{{ vars.v }}",
      (out, v) => expect(out).toBe(`${v.replace(/\n+$/, '')}|x'${v}|`),
    ],
  ];

  for (const [shape, check] of shapes) {
    it(`keeps hostile values literal in: ${shape.replace(/\n/g, '\\n')}`, () => {
      // One shell runs every rendered command in its own subshell, outputs split by NUL; one
      // ShellValues for all of them numbers their variables apart.
      const values = new ShellValues();
      const rendered = hostile.map((v) => ({
        v,
        command: renderTemplate(shape, { ...scope, vars: { v } }, { shell: values }),
      }));
      for (const r of rendered) expect(r.command).not.toContain('PWNED');
      const script = rendered.map((r) => `(\n${r.command}\n)\nprintf '\\0'\n`).join('');
      const outputs = sh(script, values).split('\0');
      expect(existsSync(marker), `${shape} ran a command from a value`).toBe(false);
      expect(outputs).toHaveLength(rendered.length + 1);
      rendered.forEach((r, i) => {
        check(outputs[i] ?? '', r.v);
      });
    });
  }

  it('refuses a template right after a backslash or a bare $', () => {
    const s = { ...scope, vars: { v: "'; touch PWNED; #" } };
    for (const shape of [
      'printf %s \\{{ vars.v }}',
      'printf %s "\\{{ vars.v }}"',
      'printf %s ${{ vars.v }}',
    ]) {
      expect(() => renderTemplate(shape, s, { shell: new ShellValues() }), shape).toThrow(/after a/);
    }
    const values = new ShellValues();
    expect(sh(renderTemplate('printf %s \\\\{{ vars.v }}', s, { shell: values }), values)).toBe(
      "\\'; touch PWNED; #",
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a template in a here-document with a quoted delimiter, which expands nothing', () => {
    const e = renderError("sh <<'EOF'\n{{ vars.region }}\nEOF", scope, new ShellValues());
    expect(e.message).toContain("quoted delimiter (<<'EOF')");
  });

  it('keeps a multi-line value holding the delimiter inside its here-document', () => {
    const values = new ShellValues();
    const s = { ...scope, vars: { a: 'EOF', b: 'touch PWNED' } };
    const command = renderTemplate('cat <<EOF\n{{ vars.a }}\n{{ vars.b }}\nEOF', s, { shell: values });
    expect(sh(command, values)).toBe('EOF\ntouch PWNED\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('inserts literal {{ written as a quoted template unchanged', () => {
    expect(sh(renderTemplate("printf '%s' \"{{ '{{' }} x }}\"", scope, { shell: new ShellValues() }))).toBe(
      '{{ x }}',
    );
  });
});

describe('renderDeep', () => {
  it('renders shell keys shell-quoted and the rest verbatim, without touching the input', () => {
    const config = {
      host: 'blue',
      run: 'echo {{ vars.region }}',
      upload: { from: '.', to: '/srv/{{ vars.region }}' },
      env: { REGION: '{{ vars.region }}' },
      list: ['a {{ hosts.blue.host }}', 3, true, null],
      retries: 2,
    };
    const copy = structuredClone(config);
    const out = renderDeep(config, scope, ['run'], 'display');
    expect(out).toEqual({
      host: 'blue',
      run: "echo 'us-west-2'",
      upload: { from: '.', to: '/srv/us-west-2' },
      env: { REGION: 'us-west-2' },
      list: ['a 54.213.54.171', 3, true, null],
      retries: 2,
    });
    expect(config).toEqual(copy);
  });

  it('treats nested strings under a shell key as shell text', () => {
    const values = new ShellValues();
    const config = {
      run: ['echo {{ vars.region }}', { cmd: 'x {{ vars.empty }}' }],
      to: '{{ vars.region }}',
    };
    const out = renderDeep(config, scope, ['run'], values);
    expect(out).toEqual({ run: ['echo "${DRILLBOOK_V1}"', { cmd: 'x "${DRILLBOOK_V2}"' }], to: 'us-west-2' });
    expect({ ...values.env }).toEqual({ DRILLBOOK_V1: 'us-west-2', DRILLBOOK_V2: '' });
  });

  it('renders a bare string in shell mode only when the action has shell keys', () => {
    expect(renderDeep('echo {{ vars.region }}', scope, ['command'], 'display')).toBe("echo 'us-west-2'");
    expect(renderDeep('http://{{ hosts.blue.host }}/health', scope, [], 'display')).toBe(
      'http://54.213.54.171/health',
    );
  });

  it('leaves a nested action call marked renderLater for its own action to render', () => {
    const nested = renderLater({ type: 'run', config: { command: 'echo {{ vars.evil }}' } });
    const out = renderDeep({ until: nested, within: '{{ vars.region }}' }, scope, [], new ShellValues());
    expect(out.within).toBe('us-west-2');
    expect(out.until).toBe(nested);
    expect(out.until.config.command).toBe('echo {{ vars.evil }}');
  });

  it('says where in the config a failing template was', () => {
    let caught: unknown;
    try {
      renderDeep({ headers: { Authorization: 'Bearer {{ env.NO_TOKEN }}' } }, scope, [], 'display');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).path).toBe('headers.Authorization');
    expect((caught as TemplateError).message).toContain('NO_TOKEN');
  });
});

describe('when: conditions (evaluateWhenTemplate)', () => {
  const evaluateWhen = (text: string) => evaluateWhenTemplate(text, scope);
  it('treats empty, false, 0, no, off and null as false in any case', () => {
    for (const v of ['', '  ', 'false', 'FALSE', '0', 'no', 'No', 'off', 'null', "''", '""']) {
      expect(evaluateWhen(v), JSON.stringify(v)).toBe(false);
    }
    for (const v of ['true', 'yes', '1', 'green', 'anything', '00']) {
      expect(evaluateWhen(v), v).toBe(true);
    }
  });

  it('compares trimmed strings with == and !=', () => {
    expect(evaluateWhen('green == green')).toBe(true);
    expect(evaluateWhen(' green==blue ')).toBe(false);
    expect(evaluateWhen('green != blue')).toBe(true);
    expect(evaluateWhen('\'green\' == "green"')).toBe(true);
    expect(evaluateWhen(' == ')).toBe(true);
    expect(evaluateWhen('Green == green')).toBe(false);
  });

  it('negates with ! and not', () => {
    expect(evaluateWhen('!false')).toBe(true);
    expect(evaluateWhen('! green')).toBe(false);
    expect(evaluateWhen('not 0')).toBe(true);
    expect(evaluateWhen('NOT yes')).toBe(false);
    expect(evaluateWhen('nothing')).toBe(true);
  });

  it('works on a rendered template', () => {
    const when = "{{ steps.find-live.output }} == 'green'";
    expect(evaluateWhenTemplate(when, scope)).toBe(true);
  });
});
