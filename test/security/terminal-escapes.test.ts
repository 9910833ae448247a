import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/commands/plan.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { createConsoleReporter } from '../../src/report/console.js';
import { terminalSafe } from '../../src/report/terminal-safe.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { workspace } from '../support/cli.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';

/** Clears the screen, sets the window title, reverses the text after it, and forges a line. */
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u202Eevil\r\n  9. forged [x]';
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const RUNBOOK = `drillbook: 1
name: esc
title: "Title \\e[31mred\\u202E"
steps:
  - id: named
    name: "Step \\e[2J\\u202Eevil"
    run: "true"
  - id: fetch
    http: { url: "http://127.0.0.1:1/{{ vars.v }}", timeout: 2s }
    continue_on_error: true
  - id: quoted
    run: "echo {{ vars.v }} >/dev/null; exit 3"
    continue_on_error: true
`;

async function plan(file: string, vars: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await planCommand(file, vars, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: {},
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('a value or a name never drives the terminal', () => {
  it('plan shows escapes and newlines of names and values visibly, one plan line each', async () => {
    const ws = workspace();
    const file = ws.write('rb.yaml', RUNBOOK);
    const r = await plan(file, [`v=${HOSTILE}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).not.toMatch(/^\s*9\. forged/m);
    expect(r.stdout).toContain('Step \\u001B[2J\\u202Eevil [named]');
    expect(r.stdout).toContain('/\\u001B[2J\\u001B]0;pwned\\u0007\\u202Eevil\\r\\n');
  });

  it('a malformed --var is quoted with its escapes visible', async () => {
    const file = workspace().write('rb.yaml', RUNBOOK);
    const r = await plan(file, [HOSTILE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--var expects name=value, got "\\u001B[2J');
    expect(r.stderr.trimEnd()).not.toMatch(RAW);
  });

  it('the console escapes titles, names, reasons and its own lines, with or without colour', async () => {
    const dir = workspace().dir;
    const file = join(dir, 'rb.yaml');
    writeFileSync(file, RUNBOOK);
    const runbook = await loadRunbook(actions, file, { vars: { v: HOSTILE }, env: {} });
    const { events } = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    for (const color of [false, true]) {
      let text = '';
      const listen = createConsoleReporter({ out: { write: (t) => (text += t) }, color, verbose: true });
      for (const e of events) listen(e);
      // Colour codes drillbook adds itself are the only escapes allowed.
      const visible = text.replace(/\u001b\[[0-9;]*m/g, '');
      expect(visible).not.toMatch(RAW);
      expect(visible).toContain('Title \\u001B[31mred\\u202E');
      expect(visible).toContain('Step \\u001B[2J\\u202Eevil');
      expect(visible).toContain('127.0.0.1:1/');
      expect(visible).toMatch(/failed \(tolerated\)\s+quoted/);
    }
  }, 30_000);

  it('terminalSafe leaves no control, bidi or invisible character but newlines, and keeps the lines', () => {
    const UNSAFE =
      /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const safe = terminalSafe(text);
        expect(safe).not.toMatch(UNSAFE);
        expect(safe.split('\n').length).toBe(text.split('\n').length);
        // No lone surrogate half either (they are escaped as \uD800 and so on).
        expect(safe).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
      { numRuns: 2000 },
    );
  });
});
