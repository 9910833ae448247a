import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';

/** Quotes, a backslash, XML's and URLs' special characters, a `$`, and non-ASCII. */
const PW = `it's-a-"s3cret"\\&<>%+ é$HOME`;
/** Printed by a step with an escape sequence in the middle. */
const TOKEN = 'Zq9SECRETh4nter2Xy';

const shellSingle = (v: string) => v.replaceAll("'", `'\\''`);
const shellDouble = (v: string) => v.replace(/[\\$`"]/g, (c) => `\\${c}`);
const json = (v: string) => JSON.stringify(v).slice(1, -1);
const jsonAscii = (v: string) =>
  json(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const xml = (v: string) =>
  v.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
const xmlText = (v: string) => v.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
const xmlNumeric = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const url = (v: string) => encodeURIComponent(v);
const form = (v: string) => new URLSearchParams({ v }).toString().slice(2);

/** Every form the issue names (base64 is not among them), also as written into JSON and XML. */
function renderedForms(secret: string): Map<string, string> {
  const forms = new Map<string, string>();
  const bases = { raw: secret, shellSingle: shellSingle(secret), shellDouble: shellDouble(secret) };
  const encodings = { plain: (v: string) => v, json, jsonAscii, xml, xmlText, xmlNumeric, url, form };
  for (const [b, base] of Object.entries(bases))
    for (const [e, encode] of Object.entries(encodings)) forms.set(`${b}+${e}`, encode(base));
  return forms;
}

/**
 * One drill that uses the secrets every way a runbook can: in a command, a gate message,
 * http headers and a URL, a saved output reused later, a failing step's message, output
 * with an escape sequence inside the secret, output of the encoded forms, a stop condition
 * that trips with the secret in its reason, and a --var that holds it.
 */
function drill(port: number): string {
  return `drillbook: 1
name: leaky
secrets: [PW, TOKEN]
stop_when:
  every: 100ms
  probes:
    - id: tripwire
      name: Tripwire
      run: 'if [ -f trip ]; then echo "tripped by {{ secrets.PW }}"; exit 1; fi'
steps:
  - id: echo
    run: echo {{ secrets.PW }}
  - id: ansi
    run: printf 'Zq9SECRET\\033[1mh4nter2Xy\\n'
  - id: forms
    run: printf '%s\\n' "$FORM_JSON" "$FORM_XML" "$FORM_URL" "$FORM_FORM" "$FORM_SHELL"
  - id: gate
    confirm: "Really use {{ secrets.PW }}?"
    run: "true"
  - id: save
    run: printf '%s\\n' "$PW"
    save: saved
  - id: reuse
    run: echo "again {{ vars.saved }} and {{ vars.copy }}"
  - id: http
    http:
      url: "http://127.0.0.1:${port}/?pw={{ secrets.PW }}&t={{ secrets.TOKEN }}"
      headers: { Authorization: "Bearer {{ secrets.TOKEN }}", X-Pw: "{{ secrets.TOKEN }}" }
      expect: { status: 200 }
    continue_on_error: true
  - id: fails
    run: echo "login failed for {{ secrets.PW }}" >&2; exit 3
    continue_on_error: true
  - id: trip
    run: touch trip; sleep 5
finally:
  - id: cleanup
    run: echo "cleanup {{ secrets.TOKEN }}"
`;
}

function allFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

describe('secrets in every rendered form', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Answers 503 with what it was sent, so the failure reason carries the secret back.
    server = createServer((req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`unavailable: ${req.url} ${req.headers.authorization ?? ''}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('appear in no form in console, JUnit, JSON, journal, meta.json or any run file', async () => {
    const ws = workspace();
    ws.write('rb.yaml', drill(port));
    const r = await runCli(
      [
        'run',
        'rb.yaml',
        '--yes',
        '--junit',
        'out/junit.xml',
        '--json',
        'out/report.json',
        '--var',
        `copy=${PW}`,
      ],
      {
        cwd: ws.dir,
        env: {
          PW,
          TOKEN,
          FORM_JSON: `{"pw":"${json(PW)}"}`,
          FORM_XML: `<pw v="${xml(PW)}"/>`,
          FORM_URL: `https://h/?pw=${url(PW)}`,
          FORM_FORM: `pw=${form(PW)}`,
          FORM_SHELL: `pw='${shellSingle(PW)}'`,
        },
        timeoutMs: 60_000,
      },
    );
    // The stop condition tripped: the drill failed, and said so with the secret masked.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('stop condition tripwire tripped');
    expect(r.stdout).toMatch(/start\s+echo\n.*│ \*\*\*\n/);
    expect(r.stdout).toMatch(/start\s+ansi\n.*│ \*\*\*\n/);
    expect(r.stdout).toContain("pw='***'");
    expect(r.stdout).toMatch(/login failed for \*\*\*/);
    expect(r.stdout).toMatch(/again \*\*\* and \*\*\*/);

    const runDir = ws.runDirs()[0]!;
    // Reports rebuilt from the journal, as CI does after a kill.
    const rebuilt = await runCli(
      ['report', runDir, '--junit', 'out/rebuilt.xml', '--json', 'out/rebuilt.json'],
      {
        cwd: ws.dir,
      },
    );
    expect(rebuilt.code, rebuilt.stderr).toBe(1);
    const outputs = [
      { path: 'stdout', text: r.stdout },
      { path: 'stderr', text: r.stderr },
      { path: 'report stdout', text: rebuilt.stdout + rebuilt.stderr },
      ...allFiles(join(ws.dir, 'out')),
      ...allFiles(runDir),
    ];
    expect(outputs.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/junit\.xml$/),
        expect.stringMatching(/report\.json$/),
        expect.stringMatching(/journal\.jsonl$/),
        expect.stringMatching(/meta\.json$/),
        expect.stringMatching(/rebuilt\.xml$/),
        expect.stringMatching(/rebuilt\.json$/),
      ]),
    );
    for (const secret of [PW, TOKEN])
      for (const [name, rendered] of renderedForms(secret))
        for (const o of outputs) {
          expect(o.text, `${name} of a secret in ${o.path}`).not.toContain(rendered);
          // As a reader sees it once escapes and control characters are gone.
          const shown = stripAnsi(o.text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
          expect(shown, `${name} of a secret in ${o.path}, escapes stripped`).not.toContain(rendered);
        }
  }, 90_000);

  it('run directories are 0700 and their files 0600', async () => {
    const ws = workspace();
    ws.write('rb.yaml', 'drillbook: 1\nname: perms\nsteps:\n  - run: "true"\n');
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    const runDir = ws.runDirs()[0]!;
    expect(mode(join(ws.dir, '.drillbook', 'runs'))).toBe('700');
    expect(mode(runDir)).toBe('700');
    for (const f of allFiles(runDir)) expect(mode(f.path), f.path).toBe('600');
  });
});
