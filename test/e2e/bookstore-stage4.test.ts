import { appendFileSync, chmodSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { REPO_ROOT, runCli, type Workspace, workspace } from '../support/cli.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';
import { assertValidJunit } from '../support/xmllint.js';
import { caseNamed, jsonReport, junitCases, stepNamed } from './reports.js';

/**
 * The shipped Stage 4 drill, run by the built CLI as Jenkins runs it (headless, approvals in
 * DRILLBOOK_APPROVE, JUnit out), against the practice world and two real sshd "hosts". Only
 * vars change: where the hosts and endpoints are, and stand-ins for the programs the drill
 * drives (gremlin, systemctl, aws) that turn their production arguments into sandbox control
 * calls, so the alarms and the failover really happen.
 */
const RUNBOOK = {
  md: join(REPO_ROOT, 'runbooks', 'bookstore-stage4.md'),
  yaml: join(REPO_ROOT, 'runbooks', 'bookstore-stage4.yaml'),
};
const GATES = 'blackhole-blue,blackhole-green,shutdown-blue';
const BLACKHOLE =
  'attack blackhole -l 240 -h ^api.gremlin.com,cdn.bookstore.pingpublications.com,db.bookstore.pingpublications.com';
const SECRET = 'gremlin-team-secret-4f1c9a';

describe('runbooks/bookstore-stage4 offline', () => {
  it('validates and plans with no environment at all: no secrets, no AWS, no SSH', async () => {
    const ws = workspace();
    const env = { GREMLIN_TEAM_SECRET: undefined, GREMLIN_TEAM_ID: undefined };
    const valid = await runCli(['validate', RUNBOOK.md, RUNBOOK.yaml], { cwd: ws.dir, env });
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain(
      'bookstore-stage4.md: valid (18 steps + 4 finally + 2 steady-state checks)',
    );
    const plan = await runCli(['plan', RUNBOOK.md], { cwd: ws.dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('blue: ubuntu@54.213.54.171:22');
    expect(plan.stdout).toContain('(type "shut down blue")');
    expect(ws.exists('.drillbook')).toBe(false);
  });
});

describe.runIf(sshdTestsEnabled())('runbooks/bookstore-stage4 end to end', () => {
  let blue: Sshd;
  let green: Sshd;
  let sandbox: Sandbox;

  beforeAll(async () => {
    [blue, green, sandbox] = await Promise.all([
      startSshd(),
      startSshd(),
      startSandbox({ alarmDelayMs: 300, healthIntervalMs: 200 }),
    ]);
    // One deploy key for both hosts, as in production.
    appendFileSync(join(green.dir, 'authorized_keys'), readFileSync(`${blue.clientKey}.pub`));
  });
  afterAll(async () => {
    await Promise.all([blue?.stop(), green?.stop(), sandbox?.close()]);
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  it('deploys idle-first, attacks each colour, fails blue over to green and restores: exit 0', async () => {
    const ws = workspace();
    const r = await runDrill(ws, 'md', { greenFailsToo: false });

    expect(r.code, r.transcript).toBe(0);
    const cases = await junitCases(ws.path('reports/drill.xml'));
    assertValidJunit(ws.path('reports/drill.xml'));
    const failed = cases.filter((c) => c.failure);
    expect(failed, r.transcript).toEqual([]);
    // Blue answered for the record, so green (idle) was deployed first and the other order skipped.
    expect(caseNamed(cases, 'Find the live colour').out).toContain('54.213.54.171');
    expect(caseNamed(cases, 'Deploy to green first, while blue is live [green]').skipped).toBeUndefined();
    expect(caseNamed(cases, 'Deploy to green last, after blue').skipped).toContain('condition not met');
    // Each of the four connectivity alarms is a testcase of its own in Jenkins.
    for (const colour of ['blue', 'green'] as const) {
      const title = `${colour[0]!.toUpperCase()}${colour.slice(1)}'s connectivity alarms fire`;
      for (const dep of ['db', 'cdn']) {
        const alarm = `bookstore-api-${colour}-${dep}-connectivity-failed`;
        const part = caseNamed(cases, `${title} [${alarm}]`);
        expect([part.failure, part.skipped], alarm).toEqual([undefined, undefined]);
      }
    }
    for (const name of [
      'DNS fails over to green',
      'DNS stays on blue',
      "Blue's status check alarm fires [bookstore-api-blue-StatusCheckFailed]",
      'DNS fails over to green for good',
      'Blue serves again',
    ]) {
      expect(caseNamed(cases, name).skipped, name).toBeUndefined();
    }

    // The hosts saw the production commands, from the right colour, with the team secret.
    const calls = ws.read('gremlin.log').trim().split('\n');
    expect(calls.slice(0, 5)).toEqual([
      `blue ${BLACKHOLE} secret-ok`,
      'blue halt secret-ok',
      `green ${BLACKHOLE} secret-ok`,
      'green halt secret-ok',
      'blue attack shutdown -d 1 secret-ok',
    ]);
    // Finally halts both colours at once, in either order.
    expect(calls.slice(5).sort()).toEqual(['blue halt secret-ok', 'green halt secret-ok']);
    expect(ws.read('systemctl.log')).toBe('uid 0: restart gunicorn app.py\n'.repeat(2));
    expect(ws.read('apps/bookstore_api/app.py')).toBe('print("bookstore 2.0")\n');
    expect(ws.read('aws.log')).toBe(
      'ec2 start-instances --region us-west-2 --instance-ids i-0b1e000000000b1e0\n',
    );

    // How each gate was decided is on record; the secret is nowhere.
    const report = jsonReport(ws.path('reports/drill.json'));
    expect(stepNamed(report, 'shutdown-blue').gates).toEqual([
      expect.objectContaining({ by: 'approve-env' }),
    ]);
    const journal = readFileSync(join(ws.runDirs()[0]!, 'journal.jsonl'), 'utf8');
    for (const text of [
      r.stdout,
      r.stderr,
      journal,
      ws.read('reports/drill.xml'),
      ws.read('reports/drill.json'),
    ])
      expect(text).not.toContain(SECRET);
    expect(sandbox.state()).toMatchObject({
      serving: 'blue',
      colours: { blue: { running: true, healthy: true, blackholed: false }, green: { blackholed: false } },
    });
  }, 60_000);

  it('aborts on the stop condition when green is unhealthy while blue is down: exit 1, finally restores', async () => {
    const ws = workspace();
    const r = await runDrill(ws, 'yaml', { greenFailsToo: true });

    expect(r.code, r.transcript).toBe(1);
    expect(r.stdout).toContain('stop condition: Customers have no healthy colour');
    const cases = await junitCases(ws.path('reports/drill.xml'));
    const stop = caseNamed(cases, 'stop condition: no-healthy-colour');
    expect(stop.failure).toContain('command exited with status 1');
    // The drill stopped before green could be counted as having taken over (interrupted, or
    // not run when the probe tripped while blue's status check alarm was still awaited)...
    const takeover = caseNamed(cases, 'DNS fails over to green for good');
    expect(takeover.failure ?? takeover.skipped).toContain(
      'stop condition: Customers have no healthy colour',
    );
    // ...and the finally steps still halted the attacks and started blue again.
    for (const name of ['Halt every attack [blue]', 'Halt every attack [green]', "Start blue's instance"])
      expect(caseNamed(cases, name).failure, name).toBeUndefined();
    expect(caseNamed(cases, 'Blue serves again').out).toContain('-> 200');
    expect(ws.read('aws.log')).toContain('ec2 start-instances');
    expect(sandbox.state().colours.blue.running).toBe(true);
  }, 60_000);

  it('stops itself at --deadline, mid-drill, and its finally still restores blue: exit 124', async () => {
    const ws = workspace();
    // No finally_budget in the runbook: the default (its finally timeouts, 19m+) is capped at
    // half the deadline, so the drill is stopped 6s in, wherever it is, as Jenkins would see.
    const r = await runDrill(ws, 'md', { greenFailsToo: false, args: ['--deadline', '12s'] });

    expect(r.code, r.transcript).toBe(124);
    const report = jsonReport(ws.path('reports/drill.json'));
    expect(report.status).toBe('aborted');
    expect(report.reason).toContain('deadline 12s reached (default finally budget 6s kept)');
    const cases = await junitCases(ws.path('reports/drill.xml'));
    for (const name of ['Halt every attack [blue]', 'Halt every attack [green]', "Start blue's instance"])
      expect(caseNamed(cases, name).failure, name).toBeUndefined();
    expect(caseNamed(cases, 'Blue serves again').failure).toBeUndefined();
    expect(ws.read('aws.log')).toContain('ec2 start-instances');
    expect(sandbox.state()).toMatchObject({
      serving: 'blue',
      colours: { blue: { running: true, healthy: true, blackholed: false }, green: { blackholed: false } },
    });
  }, 90_000);

  /** Runs the shipped runbook (`md` or `yaml` twin) against the sandbox and the two sshds. */
  async function runDrill(
    ws: Workspace,
    twin: 'md' | 'yaml',
    options: { greenFailsToo: boolean; args?: string[] },
  ) {
    ws.write('release/app.py', 'print("bookstore 2.0")\n');
    ws.write('known_hosts', `${blue.knownHostsLine}\n${green.knownHostsLine}\n`);
    const fakes = writeFakes(ws, options.greenFailsToo);
    const vars: Record<string, string> = {
      blue_host: blue.host,
      green_host: green.host,
      blue_port: String(blue.port),
      green_port: String(green.port),
      ssh_user: userInfo().username,
      identity_file: blue.clientKey,
      known_hosts: ws.path('known_hosts'),
      blue_health: `${sandbox.endpoints.blue}/health`,
      green_health: `${sandbox.endpoints.green}/health`,
      aws_endpoint: sandbox.endpoints.aws,
      app_source: ws.path('release'),
      app_dir: ws.path('apps/bookstore_api'),
      ...fakes,
    };
    const args = [
      'run',
      RUNBOOK[twin],
      '--headless',
      '--junit',
      'reports/drill.xml',
      '--json',
      'reports/drill.json',
      ...(options.args ?? []),
    ];
    for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}=${v}`);
    const result = await runCli(args, {
      cwd: ws.dir,
      env: { DRILLBOOK_APPROVE: GATES, GREMLIN_TEAM_ID: 'bookstore-team', GREMLIN_TEAM_SECRET: SECRET },
      timeoutMs: 85_000,
    });
    return { ...result, transcript: `--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}` };
  }

  /**
   * Stand-ins for gremlin (on the hosts), systemctl (under sudo on the hosts) and the aws CLI
   * (local). A host knows its colour from the sshd port it was reached on (SSH_CONNECTION).
   */
  function writeFakes(ws: Workspace, greenFailsToo: boolean) {
    const control = sandbox.endpoints.control;
    const script = (name: string, body: string) => {
      const file = ws.write(
        `bin/${name}`,
        `#!${process.execPath}\nconst { appendFileSync, existsSync, readdirSync } = require('node:fs');\n` +
          `const args = process.argv.slice(2).join(' ');\n` +
          `const post = (colour, action) => fetch(\`${control}/control/\${colour}/\${action}\`, { method: 'POST' })` +
          `.then((r) => { if (!r.ok) throw new Error(\`control \${action}: \${r.status}\`); });\n${body}\n`,
      );
      chmodSync(file, 0o755);
      return file;
    };
    const gremlin = script(
      'gremlin',
      `const port = (process.env.SSH_CONNECTION ?? '').split(' ')[3];
const colour = { '${blue.port}': 'blue', '${green.port}': 'green' }[port];
if (!colour) { console.error('not on a test host: SSH_CONNECTION=' + process.env.SSH_CONNECTION); process.exit(2); }
const ok = process.env.GREMLIN_TEAM_SECRET === '${SECRET}' && process.env.GREMLIN_TEAM_ID === 'bookstore-team';
appendFileSync(${JSON.stringify(ws.path('gremlin.log'))}, \`\${colour} \${args} \${ok ? 'secret-ok' : 'NO-SECRET'}\\n\`);
if (!ok) { console.error('gremlin: not authenticated'); process.exit(3); }
const run = async () => {
  if (args === ${JSON.stringify(BLACKHOLE)}) return post(colour, 'blackhole');
  if (args === 'attack shutdown -d 1') {
    await post(colour, 'stop');
    ${greenFailsToo ? "await post('green', 'unhealthy');" : ''}
    return;
  }
  if (args === 'halt') {
    // Halting ends attacks; it does not boot a host that was shut down.
    const state = await (await fetch('${control}/state')).json();
    if (state.colours[colour].running) await post(colour, 'restore');
    return;
  }
  console.error('gremlin: unexpected arguments: ' + args);
  process.exit(2);
};
run().then(() => console.log('gremlin ' + args + ': done on ' + colour), (e) => { console.error(String(e)); process.exit(1); });`,
    );
    const appDir = ws.path('apps/bookstore_api');
    const systemctl = script(
      'systemctl',
      `const files = existsSync(${JSON.stringify(appDir)}) ? readdirSync(${JSON.stringify(appDir)}).join(',') : 'nothing uploaded';
appendFileSync(${JSON.stringify(ws.path('systemctl.log'))}, \`uid \${process.getuid()}: \${args} \${files}\\n\`);`,
    );
    const aws = script(
      'aws',
      `appendFileSync(${JSON.stringify(ws.path('aws.log'))}, args + '\\n');
if (!args.startsWith('ec2 start-instances ')) process.exit(2);
post('blue', 'start').catch((e) => { console.error(String(e)); process.exit(1); });`,
    );
    return { gremlin, systemctl, aws_cli: aws };
  }
});
