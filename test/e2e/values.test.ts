import { describe, expect, it } from 'vitest';
import { REFUSED_CONTEXTS } from '../security/injection-cases.js';
import { runCli, STACK_FRAME, workspace } from '../support/cli.js';

/**
 * Issue 11's reproductions, run as a user would (headless, CI=true): values given with
 * --var or saved from a step's output are data, never shell code and never templates.
 */
const ATTACKS = `drillbook: 1
name: attacks
steps:
  - id: heredoc-var
    run: |
      cat <<EOF
      {{ vars.a }}
      {{ vars.b }}
      EOF
  - id: save-a
    run: echo EOF
    save: sa
  - id: save-b
    run: echo 'touch ./pwned-saved'
    save: sb
  - id: heredoc-saved
    run: |
      cat <<EOF
      {{ vars.sa }}
      {{ vars.sb }}
      EOF
  - id: case-in-subst
    run: echo "$(case a in a) echo {{ vars.v }};; esac)"
  - id: literal-var
    run: printf '[%s]\\n' {{ vars.t }}
  - id: saved-template
    run: printf '%s\\n' '{{ '{{' }} env.DB_TOKEN }}'
    save: st
  - id: saved-literal
    run: printf '[%s]\\n' {{ vars.st }}
`;

describe('values are data, never code (issue 11 reproductions)', () => {
  it('a here-document terminator, a case inside "$( )" and template text in values run nothing', async () => {
    const ws = workspace();
    ws.write('rb.yaml', ATTACKS);
    const r = await runCli(
      [
        'run',
        'rb.yaml',
        '--var',
        'a=EOF',
        '--var',
        'b=touch ./pwned',
        '--var',
        'v=x; touch ./pwned-case',
        '--var',
        't={{ env.DB_TOKEN }}',
      ],
      { cwd: ws.dir, env: { CI: 'true', DB_TOKEN: 'tok-must-not-print' } },
    );
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(ws.exists('pwned')).toBe(false);
    expect(ws.exists('pwned-saved')).toBe(false);
    expect(ws.exists('pwned-case')).toBe(false);
    expect(r.code).toBe(0);
    // The values arrived whole, as text.
    expect(r.stdout).toMatch(/heredoc-var.*\n.*EOF\n.*touch \.\/pwned\n/);
    expect(r.stdout).toMatch(/heredoc-saved.*\n.*EOF\n.*touch \.\/pwned-saved\n/);
    expect(r.stdout).toContain('x; touch ./pwned-case');
    expect(r.stdout).toContain('[{{ env.DB_TOKEN }}]\n');
    expect(r.stdout).toMatch(/saved-literal.*\n.*\[\{\{ env\.DB_TOKEN \}\}\]\n/);
    expect(r.stdout).not.toContain('tok-must-not-print');
  });

  it('validate refuses __proto__ and friends in every root, and unsafe shell contexts, with file:line:col', async () => {
    const ws = workspace();
    const refs = [
      'hosts.__proto__.host',
      'hosts.constructor.user',
      'hosts.toString.port',
      'vars.__proto__',
      'vars.constructor',
      'vars.hasOwnProperty',
      'steps.__proto__.output',
      'steps.prototype.output',
      'secrets.toString',
      'secrets.__proto__',
    ];
    const runs = [
      ...refs.map((ref) => `echo {{ ${ref} }}`),
      ...REFUSED_CONTEXTS.map((c) => c.snippet.replaceAll('{{V}}', '{{ hosts.h.host }}')),
    ];
    const steps = runs.map((run, i) => `  - id: s${i}\n    run: ${JSON.stringify(run)}\n`).join('');
    ws.write(
      'rb.yaml',
      `drillbook: 1\nname: protos\nsecrets: [REAL]\nhosts: { h: { host: 127.0.0.1 } }\nsteps:\n${steps}`,
    );
    const r = await runCli(['validate', 'rb.yaml'], { cwd: ws.dir });
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(r.code).toBe(2);
    runs.forEach((run, i) => {
      expect(r.stderr, run).toMatch(new RegExp(`rb\\.yaml:${7 + 2 * i}:\\d+`));
    });
  });

  it('a --var named __proto__ is an ordinary var; env.__proto__ is an unset variable, not a crash', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: protos-run
steps:
  - id: proto-var
    run: printf '[%s]\\n' {{ vars.__proto__ }}
  - id: proto-env
    run: echo {{ env.__proto__ }}
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--var', '__proto__=plain value'], {
      cwd: ws.dir,
      env: { CI: 'true' },
    });
    expect(`${r.stdout}${r.stderr}`).not.toContain(STACK_FRAME);
    expect(r.stdout).toContain('[plain value]');
    expect(r.stdout).toContain('environment variable __proto__ is not set');
    expect(r.code).toBe(1);
  });
});
