import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { REPO_ROOT, runCli, type Workspace, workspace } from '../support/cli.js';
import { caseNamed, junitCases } from './reports.js';

/**
 * runbooks/bookstore-stage4-ssm.md (and its YAML twin), the Stage 4 drill over SSM Run Command: validated and
 * planned without loading the AWS SDK, refusals at file:line:column, and run end to end by
 * the built CLI against the sandbox, whose SSM "instances" run the deploy and Gremlin steps
 * with local stand-ins for gremlin, systemctl and the aws CLI.
 */
const RUNBOOK = join(REPO_ROOT, 'runbooks', 'bookstore-stage4-ssm.md');
const YAML_TWIN = join(REPO_ROOT, 'runbooks', 'bookstore-stage4-ssm.yaml');
const MODULE_LOG_HOOK = join(REPO_ROOT, 'test', 'support', 'module-log.mjs');
const BLUE = 'i-0b1e000000000b1e0';
const GREEN = 'i-06ee000000000ee60';
const BLACKHOLE =
  'attack blackhole -l 240 -h ^api.gremlin.com,cdn.bookstore.pingpublications.com,db.bookstore.pingpublications.com';

describe('runbooks/bookstore-stage4-ssm offline', () => {
  it('validates and plans without loading the AWS SDK (it loads only when an ssm step runs)', async () => {
    const ws = workspace();
    const env = { NODE_OPTIONS: `--import ${MODULE_LOG_HOOK}`, DRILLBOOK_MODULE_LOG: ws.path('modules.log') };
    const valid = await runCli(['validate', RUNBOOK, YAML_TWIN], { cwd: ws.dir, env });
    expect(valid.code, valid.stderr).toBe(0);
    for (const twin of ['md', 'yaml'])
      expect(valid.stdout).toContain(
        `bookstore-stage4-ssm.${twin}: valid (18 steps + 4 finally + 2 steady-state checks)`,
      );
    const plan = await runCli(['plan', RUNBOOK], { cwd: ws.dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`ssm ${BLUE}: mkdir -p '/home/ubuntu/apps/bookstore_api'`);
    expect(plan.stdout).toContain("ssm tag:App=bookstore-api: 'gremlin' halt (within 1m00s)");
    expect(ws.exists('modules.log')).toBe(false);
    // The hook does see the SDK when it is loaded: the check above can fail.
    const control = spawnSync(
      process.execPath,
      ['--import', MODULE_LOG_HOOK, '-e', "import('@aws-sdk/client-ssm')"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DRILLBOOK_MODULE_LOG: ws.path('control.log') },
      },
    );
    expect(control.status, String(control.stderr)).toBe(0);
    expect(ws.read('control.log')).toContain('@aws-sdk/client-ssm');
  }, 60_000);

  it('refuses mistakes in ssm steps: exit 2, file:line:column, nothing runs', async () => {
    const ws = workspace();
    ws.write(
      'bad.yaml',
      [
        'name: bad-ssm',
        'secrets: [TOKEN]',
        'steps:',
        '  - id: both',
        '    ssm: { instance_ids: [i-1], tags: { Role: api }, commands: [uptime] }',
        '  - id: neither',
        '    ssm: { commands: [uptime] }',
        '  - id: errors',
        '    ssm: { tags: { Role: api }, commands: [uptime], max_errors: "two" }',
        '  - id: secret',
        '    ssm: { tags: { Role: api }, commands: ["deploy --token {{ secrets.TOKEN }}"] }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', 'bad.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+: .*give either instance_ids or tags, not both/);
    expect(r.stderr).toMatch(/bad\.yaml:7:\d+: .*say which instances: instance_ids: \[\.\.\.\] or tags/);
    expect(r.stderr).toMatch(
      /bad\.yaml:9:\d+: .*"two" is not a count or percentage SSM accepts for max_errors/,
    );
    expect(r.stderr).toMatch(/bad\.yaml:11:\d+: .*a secret cannot be sent through SSM Run Command/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('runbooks/bookstore-stage4-ssm end to end against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ alarmDelayMs: 300, healthIntervalMs: 200 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  it('deploys and attacks through SSM, fails blue over to green and restores: exit 0', async () => {
    const ws = workspace();
    ws.write('release/app.py', 'print("bookstore 2.0")\n');
    const tar = spawnSync('tar', ['-czf', ws.path('release.tar.gz'), '-C', ws.path('release'), '.']);
    expect(tar.status).toBe(0);
    const vars: Record<string, string> = {
      blue_health: `${sandbox.endpoints.blue}/health`,
      green_health: `${sandbox.endpoints.green}/health`,
      aws_endpoint: sandbox.endpoints.aws,
      // Relative: each sandbox instance works in a directory of its own.
      app_dir: 'apps/bookstore_api',
      ...writeFakes(ws),
    };
    const args = [
      'run',
      RUNBOOK,
      '--headless',
      '--junit',
      'reports/drill.xml',
      '--json',
      'reports/drill.json',
    ];
    for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}=${v}`);
    const r = await runCli(args, {
      cwd: ws.dir,
      env: { DRILLBOOK_APPROVE: 'blackhole-blue,blackhole-green,shutdown-blue' },
      timeoutMs: 55_000,
    });
    const transcript = `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
    expect(r.code, transcript).toBe(0);
    // Blue was shut down, so SSM could not deliver the finally halt there: tolerated, named.
    expect(r.stdout).toContain('Drill passed with 1 tolerated failure');
    const cases = await junitCases(ws.path('reports/drill.xml'));
    expect(caseNamed(cases, `Deploy to green first, while blue is live [${GREEN}]`).failure).toBeUndefined();
    expect(caseNamed(cases, `Deploy to blue [${BLUE}]`).failure).toBeUndefined();
    expect(caseNamed(cases, `Blackhole blue's dependencies [${BLUE}]`).out).toContain(
      'gremlin: blackhole blue',
    );
    expect(caseNamed(cases, `Halt every attack [${GREEN}]`).failure).toBeUndefined();
    expect(caseNamed(cases, `Halt every attack [${BLUE}]`).failure).toMatch(/Failed: Undeliverable/);
    expect(ws.read('gremlin.log').trim().split('\n')).toEqual([
      `blue ${BLACKHOLE}`,
      'blue halt',
      `green ${BLACKHOLE}`,
      'green halt',
      'blue attack shutdown -d 1',
      'green halt',
    ]);
    expect(ws.read('systemctl.log')).toBe(
      `${GREEN} restart gunicorn app.py\n${BLUE} restart gunicorn app.py\n`,
    );
    expect(sandbox.state()).toMatchObject({
      serving: 'blue',
      colours: { blue: { running: true, blackholed: false }, green: { blackholed: false } },
    });
  }, 60_000);

  /** Stand-ins: gremlin, systemctl and aws on the "instances" (colour from the SSM env), aws here. */
  function writeFakes(ws: Workspace): Record<string, string> {
    const control = sandbox.endpoints.control;
    const script = (name: string, body: string) => {
      const file = ws.write(
        `bin/${name}`,
        `#!${process.execPath}\nconst { appendFileSync, copyFileSync, readdirSync } = require('node:fs');\n` +
          `const args = process.argv.slice(2).join(' ');\n` +
          `const colour = process.env.DRILLBOOK_SANDBOX_COLOUR;\n` +
          `const post = (c, action) => fetch(\`${control}/control/\${c}/\${action}\`, { method: 'POST' })` +
          `.then((r) => { if (!r.ok) throw new Error(\`control \${action}: \${r.status}\`); });\n${body}\n`,
      );
      chmodSync(file, 0o755);
      return file;
    };
    const gremlin = script(
      'gremlin',
      `appendFileSync(${JSON.stringify(ws.path('gremlin.log'))}, \`\${colour} \${args}\\n\`);
const run = async () => {
  if (args === ${JSON.stringify(BLACKHOLE)}) return post(colour, 'blackhole');
  if (args === 'attack shutdown -d 1') return post(colour, 'stop');
  if (args === 'halt') {
    const state = await (await fetch('${control}/state')).json();
    if (state.colours[colour].running) await post(colour, 'restore');
    return;
  }
  throw new Error('unexpected arguments: ' + args);
};
run().then(() => console.log('gremlin: ' + args.split(' ')[args.startsWith('attack') ? 1 : 0] + ' ' + colour), (e) => { console.error(String(e)); process.exit(1); });`,
    );
    const systemctl = script(
      'systemctl',
      `appendFileSync(${JSON.stringify(ws.path('systemctl.log'))}, \`\${process.env.AWS_SSM_INSTANCE_ID} \${args} \${readdirSync('apps/bookstore_api').join(',')}\\n\`);`,
    );
    const hostAws = script(
      'host-aws',
      `const [s3, cp, from, to] = process.argv.slice(2);
if (s3 !== 's3' || cp !== 'cp' || from !== 's3://bookstore-releases/bookstore_api-latest.tar.gz') process.exit(2);
copyFileSync(${JSON.stringify(ws.path('release.tar.gz'))}, to);`,
    );
    const aws = script(
      'aws',
      `if (!args.startsWith('ec2 start-instances ')) process.exit(2);
post('blue', 'start').catch((e) => { console.error(String(e)); process.exit(1); });`,
    );
    return { gremlin, systemctl, host_aws_cli: hostAws, aws_cli: aws };
  }
});
