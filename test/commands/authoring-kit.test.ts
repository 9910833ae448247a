import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/commands/io.js';
import { registeredRunbookSchema } from '../../src/runbook/runbook-schema.js';
import { REPO_ROOT } from '../support/cli.js';
import { actions } from '../support/registry.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const PUBLISHED = join(REPO_ROOT, 'schema', 'drillbook.schema.json');

/** Runs `drillbook ARGS` in this process, capturing what it prints. */
async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: { isTTY: false },
    env: { PATH: process.env['PATH'], HOME: cwd, CI: 'true' },
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-kit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('drillbook schema', () => {
  it('prints the schema validation uses, and schema/drillbook.schema.json is that same schema', async () => {
    const r = await cli(['schema'], tempDir());
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...registeredRunbookSchema(actions),
    });
    // Out of sync? Regenerate: drillbook schema > schema/drillbook.schema.json (then biome format).
    expect(JSON.parse(readFileSync(PUBLISHED, 'utf8'))).toEqual(printed);
  });

  it('describes every runbook and step field, for hover docs in editors', () => {
    const schema = registeredRunbookSchema(actions) as {
      properties: Record<string, { description?: string }>;
      definitions: { step: { properties: Record<string, { description?: string }> } };
    };
    const undescribed = [
      ...Object.entries(schema.properties).map(([k, v]) => [k, v] as const),
      ...Object.entries(schema.definitions.step.properties).map(([k, v]) => [`step.${k}`, v] as const),
    ]
      .filter(([, v]) => !v.description)
      .map(([k]) => k);
    expect(undescribed).toEqual([]);
  });

  it('an editor using the published schema accepts every YAML example and runbook, and flags a typo', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const check = ajv.compile(JSON.parse(readFileSync(PUBLISHED, 'utf8')));
    const yamls = [
      ...readdirSync(EXAMPLES).map((f) => join(EXAMPLES, f)),
      join(REPO_ROOT, 'runbooks', 'demo', 'failover.yaml'),
      join(REPO_ROOT, 'runbooks', 'bookstore-stage4.yaml'),
    ].filter((f) => f.endsWith('.yaml'));
    expect(yamls.length).toBeGreaterThanOrEqual(5);
    for (const file of yamls) {
      expect(check(load(readFileSync(file, 'utf8'))), `${file}: ${ajv.errorsText(check.errors)}`).toBe(true);
    }
    expect(check({ drillbook: 1, steps: [{ run: 'true', retires: 2 }] })).toBe(false);
  });
});

describe('drillbook init', () => {
  for (const format of ['md', 'yaml'] as const) {
    it(`--${format} writes a starter runbook that validates, plans and dry-runs`, async () => {
      const dir = tempDir();
      const init = await cli(['init', `--${format}`, 'first-drill'], dir);
      expect(init.code, init.stderr).toBe(0);
      const file = `first-drill.${format}`;
      expect(init.stdout).toContain(`wrote ${file}`);
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).toContain('name: first-drill');
      expect(text).toContain('drillbook sandbox --detach');
      if (format === 'yaml')
        expect(text).toMatch(/^# yaml-language-server: \$schema=\S+drillbook\.schema\.json\n/);
      const path = join(dir, file);
      expect((await cli(['validate', path], dir)).stdout).toMatch(/first-drill\.(md|yaml): valid/);
      expect((await cli(['plan', path], dir)).code).toBe(0);
      const dry = await cli(['run', path, '--dry-run', '--headless'], dir);
      expect(dry.code, dry.stderr + dry.stdout).toBe(0);
      expect(dry.stdout).toMatch(/Drill passed \(dry run/);
    });
  }

  it('defaults to Markdown, takes a file name, and never overwrites a file', async () => {
    const dir = tempDir();
    expect((await cli(['init', 'a'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toMatch(/^---\ndrillbook: 1\nname: a\n/);
    expect((await cli(['init', 'b.yml'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'b.yml'), 'utf8')).toContain('name: b\n');
    const before = readFileSync(join(dir, 'a.md'), 'utf8');
    const again = await cli(['init', '--yaml', 'a.md'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'drillbook init: not written: a.md: it already exists; drillbook init never overwrites a file\n',
    );
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toBe(before);
    const bad = await cli(['init', '-x'], dir);
    expect(bad.code).toBe(2);
    expect((await cli(['init', '--md', '--yaml', 'c'], dir)).code).toBe(2);
  });
});

describe('examples/', () => {
  const files = readdirSync(EXAMPLES).sort();

  it('holds the four drills the issue asks for', () => {
    expect(files).toEqual([
      'db-replica-promotion.yaml',
      'dependency-blackhole.yaml',
      'dns-failover.yaml',
      'k8s-node-drain.md',
    ]);
  });

  it('every example validates, plans and dry-runs cleanly', async () => {
    const dir = tempDir();
    for (const name of files) {
      // Absolute: the in-process CLI reads runbook paths against the process's directory.
      const file = join(EXAMPLES, name);
      const validate = await cli(['validate', file], dir);
      expect(validate.code, `${name}: ${validate.stderr}`).toBe(0);
      const plan = await cli(['plan', file], dir);
      expect(plan.code, `${name}: ${plan.stderr}`).toBe(0);
      expect(plan.stderr).toBe('');
      const dry = await cli(['run', file, '--dry-run', '--headless'], dir);
      expect(dry.code, `${name}: ${dry.stderr}${dry.stdout}`).toBe(0);
      expect(dry.stderr).toBe('');
      expect(dry.stdout).toMatch(/Drill passed \(dry run: nothing was run\)/);
    }
  });

  it('command prefixes use | words: plan shows each word as its own argument', async () => {
    const plan = await cli(['plan', join(EXAMPLES, 'k8s-node-drain.md')], tempDir());
    expect(plan.stdout).toContain("sh: 'kubectl' '--context' 'staging' uncordon 'ip-10-0-1-23.ec2.internal'");
  });
});
