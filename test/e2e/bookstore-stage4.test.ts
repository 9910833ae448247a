import { appendFileSync, chmodSync, mkdirSync, readFileSync } from 'node:fs';
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
const GATES = 'approve-blackhole-blue,approve-blackhole-green,shutdown-blue';
const BLACKHOLE =
  'attack blackhole -l 240 -h ^api.gremlin.com,cdn.bookstore.pingpublications.com,db.bookstore.pingpublications.com';
const SECRET = 'gremlin-team-secret-4f1c9a';
/**
 * How long the Gremlin stand-in's `attack blackhole -l 240` blocks, as the real CLI blocks for
 * the attack's length: long enough that only `gremlin halt` can end it within the test.
 */
const ATTACK_MS = 40_000;
const OLD_RELEASE = 'print("bookstore 1.0")\n';
const NEW_RELEASE = 'print("bookstore 2.0")\n';

/** One line of the stand-in's attacks.jsonl: when an attack's impact began and was reverted. */
interface AttackMark {
  colour: 'blue' | 'green';
  event: 'start' | 'end';
  time: number;
  /** How it ended: `halted` by `gremlin halt`, or `length` when its time ran out. */
  how?: 'halted' | 'length';
}

describe('runbooks/bookstore-stage4 offline', () => {
  it('validates and plans with no environment at all: no secrets, no AWS, no SSH', async () => {
    const ws = workspace();
    const env = { GREMLIN_TEAM_SECRET: undefined, GREMLIN_TEAM_ID: undefined };
    const valid = await runCli(['validate', RUNBOOK.md, RUNBOOK.yaml], { cwd: ws.dir, env });
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain(
      'bookstore-stage4.md: valid (23 steps + 4 finally + 2 steady-state checks)',
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
    // Blue answered for the record, so only the idle green was deployed; blue's deploy was skipped.
    expect(caseNamed(cases, 'Find the live colour').out).toContain('54.213.54.171');
    expect(
      caseNamed(cases, 'Deploy to green, the idle colour while blue is live [green]').skipped,
    ).toBeUndefined();
    expect(caseNamed(cases, 'Deploy to blue, the idle colour while green is live').skipped).toContain(
      'condition not met',
    );
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
      'The database fails over while blue is cut off [bookstore-rds-failover]',
      'The database fails over while green is cut off [bookstore-rds-failover]',
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
    // Alternation: only the idle colour (green) got the new release; blue, live, kept the old
    // one to the end, so going back is a DNS change away; green's old release is kept aside.
    expect(ws.read('systemctl.log')).toBe('green uid 0: restart gunicorn app.py\n');
    expect(ws.read('apps/blue/bookstore_api/app.py')).toBe(OLD_RELEASE);
    expect(ws.read('apps/green/bookstore_api/app.py')).toBe(NEW_RELEASE);
    expect(ws.read('apps/green/bookstore_api.previous/app.py')).toBe(OLD_RELEASE);
    expect(ws.read('aws.log')).toBe(
      'ec2 start-instances --region us-west-2 --instance-ids i-0b1e000000000b1e0\n',
    );

    // How each gate was decided is on record; the secret is nowhere.
    const report = jsonReport(ws.path('reports/drill.json'));
    expectChecksDuringAttacks(ws, report);
    // The three recovery times the runbook measures were all measured, each end after its start.
    const measures = report['measures'] as Array<{ name: string; valueMs: number | null; verdict: string }>;
    expect(measures.map((m) => m.name)).toEqual([
      'blue blackholed -> DNS on green',
      'blue shut down -> green serves',
      'attack halted -> blue healthy again',
    ]);
    for (const m of measures) {
      expect(m.verdict, m.name).toBe('measured');
      expect(m.valueMs, m.name).toBeGreaterThanOrEqual(0);
    }
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
    // Rollback undid the deploy: green is back on the release it had, and restarted on it.
    expect(
      caseNamed(cases, 'Undo: Deploy to green, the idle colour while blue is live [green]').failure,
    ).toBeUndefined();
    expect(ws.read('apps/green/bookstore_api/app.py')).toBe(OLD_RELEASE);
    expect(ws.read('apps/blue/bookstore_api/app.py')).toBe(OLD_RELEASE);
    expect(ws.read('systemctl.log')).toBe('green uid 0: restart gunicorn app.py\n'.repeat(2));
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

  /**
   * Each attack's checks passed while the attack was still going on: the stand-in records
   * when each attack's impact began and was reverted; each check must have ended (seen its
   * alarm or DNS answer) strictly inside that window, and the attack was ended by the halt,
   * long before its length ran out. The JSON report also shows the background step's own
   * times around those checks.
   */
  function expectChecksDuringAttacks(ws: Workspace, report: ReturnType<typeof jsonReport>) {
    const marks = ws
      .read('attacks.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AttackMark);
    const checks = {
      blue: ['blue-alarms-fire', 'rds-fails-over-for-blue', 'dns-fails-over-to-green'],
      green: ['green-alarms-fire', 'rds-fails-over-for-green', 'dns-stays-on-blue'],
    };
    for (const colour of ['blue', 'green'] as const) {
      const start = marks.find((m) => m.colour === colour && m.event === 'start');
      const end = marks.find((m) => m.colour === colour && m.event === 'end');
      expect(end?.how, colour).toBe('halted');
      const attack = stepNamed(report, `blackhole-${colour}`);
      expect(attack).toMatchObject({ status: 'passed', background: true });
      const at = (iso: unknown) => Date.parse(String(iso));
      for (const id of checks[colour]) {
        const check = stepNamed(report, id);
        expect(check.status, id).toBe('passed');
        expect(at(check['endedAt']), `${id} ended after ${colour}'s attack began`).toBeGreaterThan(
          start!.time,
        );
        expect(at(check['endedAt']), `${id} ended before ${colour}'s attack was reverted`).toBeLessThan(
          end!.time,
        );
        expect(at(attack['startedAt'])).toBeLessThanOrEqual(at(check['startedAt']));
        expect(at(attack['endedAt'])).toBeGreaterThan(at(check['endedAt']));
      }
      // The step awaiting the attack ended after it did.
      const cleared = stepNamed(report, colour === 'blue' ? 'blue-alarms-clear' : 'green-alarms-clear');
      expect(at(cleared['endedAt'])).toBeGreaterThan(end!.time);
    }
  }

  /** Runs the shipped runbook (`md` or `yaml` twin) against the sandbox and the two sshds. */
  async function runDrill(
    ws: Workspace,
    twin: 'md' | 'yaml',
    options: { greenFailsToo: boolean; args?: string[] },
  ) {
    ws.write('release/app.py', NEW_RELEASE);
    // Both colours run the old release before the drill (both sshds share this filesystem, so
    // each colour has its own directory).
    for (const colour of ['blue', 'green']) ws.write(`apps/${colour}/bookstore_api/app.py`, OLD_RELEASE);
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
      blue_app_dir: ws.path('apps/blue/bookstore_api'),
      green_app_dir: ws.path('apps/green/bookstore_api'),
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
   * `gremlin attack blackhole` behaves as the real CLI does: it blocks for the attack's length
   * (ATTACK_MS here, for `-l 240`), then reverts the impact; `gremlin halt` ends it early.
   */
  function writeFakes(ws: Workspace, greenFailsToo: boolean) {
    const control = sandbox.endpoints.control;
    const attacks = ws.path('attacks');
    mkdirSync(attacks, { recursive: true });
    const script = (name: string, body: string) => {
      const file = ws.write(
        `bin/${name}`,
        `#!${process.execPath}\nconst { appendFileSync, existsSync, readdirSync, rmSync, writeFileSync } = require('node:fs');\n` +
          `const args = process.argv.slice(2).join(' ');\n` +
          `const post = (colour, action) => fetch(\`${control}/control/\${colour}/\${action}\`, { method: 'POST' })` +
          `.then((r) => { if (!r.ok) throw new Error(\`control \${action}: \${r.status}\`); });\n` +
          // sudo drops SSH_CONNECTION: then it is read from the nearest ancestor that has it.
          `const sshConnection = () => { let pid = process.pid; for (let i = 0; i < 12 && pid > 1; i++) {` +
          ` try { const env = require('node:fs').readFileSync('/proc/' + pid + '/environ', 'utf8').split('\\0');` +
          ` const hit = env.find((e) => e.startsWith('SSH_CONNECTION=')); if (hit) return hit.slice(15);` +
          ` pid = Number(require('node:fs').readFileSync('/proc/' + pid + '/stat', 'utf8').replace(/^.*\\) /, '').split(' ')[1]); } catch { return ''; } } return ''; };\n` +
          `const port = (process.env.SSH_CONNECTION ?? sshConnection()).split(' ')[3];\n` +
          `const colour = { '${blue.port}': 'blue', '${green.port}': 'green' }[port];\n${body}\n`,
      );
      chmodSync(file, 0o755);
      return file;
    };
    const gremlin = script(
      'gremlin',
      `if (!colour) { console.error('not on a test host: SSH_CONNECTION=' + process.env.SSH_CONNECTION); process.exit(2); }
const ok = process.env.GREMLIN_TEAM_SECRET === '${SECRET}' && process.env.GREMLIN_TEAM_ID === 'bookstore-team';
appendFileSync(${JSON.stringify(ws.path('gremlin.log'))}, \`\${colour} \${args} \${ok ? 'secret-ok' : 'NO-SECRET'}\\n\`);
if (!ok) { console.error('gremlin: not authenticated'); process.exit(3); }
const running = ${JSON.stringify(attacks)} + '/' + colour + '.running';
const halted = ${JSON.stringify(attacks)} + '/' + colour + '.halt';
const mark = (event, how) => appendFileSync(${JSON.stringify(ws.path('attacks.jsonl'))},
  JSON.stringify({ colour, event, time: Date.now(), ...(how ? { how } : {}) }) + '\\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isRunning = async (c) => (await (await fetch('${control}/state')).json()).colours[c].running;
const blackhole = async () => {
  rmSync(halted, { force: true });
  await post(colour, 'blackhole');
  writeFileSync(running, String(process.pid));
  mark('start');
  console.log('Setting up blackhole on ' + colour + ' for 240 seconds');
  const until = Date.now() + ${ATTACK_MS};
  let how = 'length';
  while (Date.now() < until) {
    if (existsSync(halted)) { how = 'halted'; break; }
    await sleep(50);
  }
  // Halting ends attacks; it does not boot a host that was shut down.
  if (await isRunning(colour)) await post(colour, 'restore');
  mark('end', how);
  rmSync(running, { force: true });
  console.log(how === 'halted' ? 'Attack halted. Reverting impact!' : 'Attack completed. Reverting impact!');
};
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const halt = async () => {
  // An attack whose CLI was killed (a drill stopped mid-attack) still runs in Gremlin's
  // control plane: halt ends it as well.
  if (existsSync(running) && !alive(Number(require('node:fs').readFileSync(running, 'utf8')))) rmSync(running, { force: true });
  if (existsSync(running)) {
    writeFileSync(halted, '');
    const deadline = Date.now() + 10000;
    while (existsSync(running) && Date.now() < deadline) await sleep(50);
  }
  if (await isRunning(colour)) await post(colour, 'restore');
};
const run = async () => {
  if (args === ${JSON.stringify(BLACKHOLE)}) return blackhole();
  if (args === 'attack shutdown -d 1') {
    await post(colour, 'stop');
    ${greenFailsToo ? "await post('green', 'unhealthy');" : ''}
    return;
  }
  if (args === 'halt') return halt();
  console.error('gremlin: unexpected arguments: ' + args);
  process.exit(2);
};
run().then(() => console.log('gremlin ' + args + ': done on ' + colour), (e) => { console.error(String(e)); process.exit(1); });`,
    );
    const systemctl = script(
      'systemctl',
      `const appDir = ${JSON.stringify(ws.path('apps'))} + '/' + colour + '/bookstore_api';
const files = existsSync(appDir) ? readdirSync(appDir).join(',') : 'nothing uploaded';
appendFileSync(${JSON.stringify(ws.path('systemctl.log'))}, \`\${colour} uid \${process.getuid()}: \${args} \${files}\\n\`);`,
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
