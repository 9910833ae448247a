// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates
import { execFileSync, spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellContexts } from '../../src/runbook/shell-context.js';
import { ShellValues } from '../../src/runbook/shell-values.js';
import { renderTemplate, type TemplateScope } from '../../src/runbook/template.js';
import { remoteCommand } from '../../src/ssh/command.js';
import { CONTEXTS } from '../security/injection-cases.js';

const scope = (v: string): TemplateScope => ({ vars: { v }, env: {}, secrets: [], hosts: {}, steps: {} });

/** Any text a shell variable can hold: shell metacharacters, line breaks, any code point but NUL. */
const shellText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('$', '`', '"', "'", '\\', '\n', '\r', ';', '&', '|', '(', ')', '{{', '}}', '*', '?'),
    fc.constantFrom('[', ']', '#', '~', '=', ' ', '\t', 'EOF', '-', '$(', '${', '!', '<<', '>'),
    fc
      .integer({ min: 1, max: 0x10ffff })
      .filter((c) => c < 0xd800 || c > 0xdfff)
      .map((c) => String.fromCodePoint(c)),
  ),
  maxLength: 40,
});

describe('rendering shell text for execution (property)', () => {
  it('the rendered text is the same whatever the value: the shell never parses a value', () => {
    const snippets = CONTEXTS.map((c) =>
      c.snippet.replaceAll('{{V}}', '{{ vars.v }}').replaceAll('@OUT@', 'o'),
    );
    fc.assert(
      fc.property(shellText, fc.constantFrom(...snippets), (value, snippet) => {
        const values = new ShellValues();
        const text = renderTemplate(snippet, scope(value), { shell: values });
        expect(text).toBe(renderTemplate(snippet, scope('x'), { shell: new ShellValues() }));
        expect(Object.values(values.env).every((v) => v === value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('/bin/sh receives every value byte for byte, in every quoting context', () => {
    const shapes = [
      "printf '%s' {{ vars.v }}",
      'printf \'%s\' "{{ vars.v }}"',
      "printf '%s' '{{ vars.v }}'",
      "printf '%s' x{{ vars.v }}'y'\"z\"",
      'cat <<EOF\n{{ vars.v }}\nEOF',
    ];
    const expected = (shape: number, v: string) => [v, v, v, `x${v}yz`, `${v}\n`][shape] ?? '';
    const samples = fc.sample(shellText, 200);
    const values = new ShellValues();
    const cases = samples.flatMap((v) =>
      shapes.map((shape, i) => ({ v, i, text: renderTemplate(shape, scope(v), { shell: values }) })),
    );
    const script = cases.map((c) => `${c.text}\nprintf '\\0'`).join('\n');
    const out = execFileSync('/bin/sh', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], ...values.env },
    });
    const outputs = out.split('\0');
    cases.forEach((c, k) => {
      expect(outputs[k], JSON.stringify(c.v)).toBe(expected(c.i, c.v));
    });
  });
});

/** Runs a remote invocation with /bin/sh here, stdin kept open like an ssh channel. */
function runRemote(
  command: string,
  input: Buffer,
  cut = false,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    if (cut) child.stdin.end(input.subarray(0, input.length - 5));
    else child.stdin.write(input);
    // Otherwise stdin stays open until the command exits, as the channel does.
    child.on('exit', () => child.stdin.destroy());
  });
}

describe('the SSH invocation', () => {
  it('keeps argv fixed and delivers values and env: on stdin, byte for byte (property)', async () => {
    const samples = fc.sample(shellText, 60);
    const values = Object.fromEntries(samples.map((v, i) => [`DRILLBOOK_V${i + 1}`, v]));
    const env = { GREETING: "it's $(not run)\n`x`" };
    const run = `${samples.map((_, i) => `printf '%s\\0' "\${DRILLBOOK_V${i + 1}}"`).join('\n')}\nprintf '%s' "$GREETING"`;
    const remote = remoteCommand(run, env, values, false);
    expect(remote.command).toBe(remoteCommand('echo other', {}, { DRILLBOOK_V1: 'x' }, false).command);
    for (const v of [...samples, env.GREETING]) if (v.length > 3) expect(remote.command).not.toContain(v);
    const r = await runRemote(remote.command, remote.input);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\0')).toEqual([...samples, env.GREETING]);
  });

  it('runs nothing of a script that arrived cut short', async () => {
    const remote = remoteCommand('touch /nonexistent-dir/x; echo ran', {}, {}, false);
    const r = await runRemote(remote.command, remote.input, true);
    expect(r.out).toBe('');
    expect(r.err).toContain('did not arrive whole');
    expect(r.code).toBe(125);
  });
});

describe('shell-context lexer', () => {
  const contextOf = (text: string) =>
    shellContexts(text.split('{{}}').flatMap((p, i) => (i === 0 ? [p] : [null, p])));

  it('does not take a case pattern\'s ) inside "$( )" as the end of the substitution', () => {
    expect(contextOf('echo "$(case a in a) echo {{}};; esac)"')).toEqual([{ kind: 'plain' }]);
    expect(contextOf('echo "$(case a in (a) :;; b) :;; esac) {{}}"')).toEqual([{ kind: 'double' }]);
    expect(contextOf('echo "$(case a in a) case b in b) :;; esac;; esac) {{}}" {{}}')).toEqual([
      { kind: 'double' },
      { kind: 'plain' },
    ]);
  });

  it('refuses arithmetic, where bash evaluates a value as an expression', () => {
    for (const text of ['(( x = {{}} ))', 'echo $(( {{}} + 1 ))', 'echo $[ {{}} ]']) {
      expect(contextOf(text)[0]?.kind, text).toBe('unsupported');
    }
    expect(contextOf('( (echo {{}}) )')[0]?.kind).toBe('plain');
    expect(contextOf('[[ {{}} -eq 1 ]] && echo {{}}').map((c) => c.kind)).toEqual(['unsupported', 'plain']);
    expect(contextOf('echo "[[ {{}} ]]" x[[ {{}}').map((c) => c.kind)).toEqual(['double', 'plain']);
  });
});
