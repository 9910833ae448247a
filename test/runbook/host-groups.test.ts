import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCommand, renderPlan } from '../../src/commands/plan.js';
import { RunbookError } from '../../src/runbook/errors.js';
import { expandHostNames, resolveGroups } from '../../src/runbook/host-groups.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { yamlRunbook } from '../support/drill.js';
import { actions } from '../support/registry.js';

const hostsYaml = (names: string[]) => names.map((n, i) => `  ${n}: { host: 10.0.0.${i + 1} }`).join('\n');

async function problems(text: string): Promise<string[]> {
  try {
    await yamlRunbook(text);
  } catch (error) {
    if (error instanceof RunbookError)
      return error.errors.map((e) => `${e.line}:${e.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    throw error;
  }
  return [];
}

describe('host groups', () => {
  it('resolve host names, groups, globs and !globs in hosts: order, duplicates once; plan shows them', async () => {
    const rb = await yamlRunbook(`
hosts:
${hostsYaml(['web-01', 'web-02', 'web-03', 'db-1', 'db-2'])}
  web: [web-*, "!web-03"]
  everything: [db-2, web, db-?, web-01]
steps:
  - id: deploy
    ssh: { host: [web, db-1, web-02], run: uptime, concurrency: 25%, max_errors: 1, batches: [1, 50%] }
  - id: one
    ssh: { host: "db-*", run: uptime }
  - id: plain
    ssh: { host: db-1, run: uptime }
`);
    expect(rb.hostGroups).toEqual({
      web: ['web-01', 'web-02'],
      everything: ['web-01', 'web-02', 'db-1', 'db-2'],
    });
    expect(Object.keys(rb.hosts)).toEqual(['web-01', 'web-02', 'web-03', 'db-1', 'db-2']);
    const plan = renderPlan(actions, rb);
    expect(plan).toContain('  web (group of 2): web-01, web-02');
    expect(plan).toContain('ssh web,db-1,web-02 (concurrency 25%, max_errors 1, batches 1, 50%): uptime');
    expect(plan).toContain('on 3 hosts: web-01, web-02, db-1');
    expect(plan).toContain('on 2 hosts: db-1, db-2');
    expect(plan.match(/on \d+ hosts?:/g)).toHaveLength(2);
  });

  it('a Markdown fence takes the fan-out options as attributes, batches comma-separated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-groups-'));
    const file = join(dir, 'drill.md');
    writeFileSync(
      file,
      '---\nhosts:\n  web-1: { host: 10.0.0.1 }\n  web-2: { host: 10.0.0.2 }\n  web: ["web-*"]\n---\n# Drill\n\n## Restart\n\n```sh {host=web concurrency=50% max_errors=1 batches=1,50%}\nuptime\n```\n',
    );
    const rb = await loadRunbook(actions, file, { env: {} });
    expect(renderPlan(actions, rb)).toContain(
      'ssh web (concurrency 50%, max_errors 1, batches 1, 50%): uptime\n     on 2 hosts: web-1, web-2',
    );
  });

  it('plan --json gives each group and the hosts of each step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-groups-'));
    const file = join(dir, 'drill.yaml');
    writeFileSync(
      file,
      `hosts:\n${hostsYaml(['web-1', 'web-2', 'db-1'])}\n  web: ["web-*"]\nsteps:\n  - { id: a, ssh: { host: [web, db-1], run: uptime } }\n  - { id: b, run: "true" }\n`,
    );
    let out = '';
    const io = {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
      stdin: {},
      env: { PATH: process.env['PATH'], HOME: dir, DRILLBOOK_SSH_CONFIG: 'none' },
      cwd: dir,
    };
    expect(await planCommand(file, undefined, io, true)).toBe(0);
    const plan = JSON.parse(out) as { groups: unknown; steps: unknown };
    expect(plan.groups).toEqual({ web: ['web-1', 'web-2'] });
    expect(plan.steps).toEqual([
      { phase: 'steps', id: 'a', name: 'a', hosts: ['web-1', 'web-2', 'db-1'] },
      { phase: 'steps', id: 'b', name: 'b' },
    ]);
  });

  it('a large group is one line in the plan', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `web-${String(i + 1).padStart(3, '0')}`);
    const rb = await yamlRunbook(`
hosts:
${hostsYaml(names)}
  web: ["web-*"]
steps:
  - { id: d, ssh: { host: web, run: uptime } }
`);
    expect(renderPlan(actions, rb)).toContain(
      'on 100 hosts: web-001, web-002, web-003, web-004, web-005, web-006 … web-099, web-100 (100 hosts)',
    );
  });

  it('a pattern or name that matches nothing, a cycle or an empty group is exit 2 with line:column', async () => {
    const found = await problems(`
hosts:
${hostsYaml(['web-1', 'web-2'])}
  typo: [web-1, app-*]
  loop: [other]
  other: [loop]
  none: [web-*, "!web-*"]
  nothing: [web-1, "!db-*"]
steps:
  - { id: a, ssh: { host: wbe-*, run: uptime } }
  - { id: b, ssh: { host: [web-1, wbe], run: uptime } }
`);
    expect(found).toEqual([
      '5:17: pattern "app-*" matches no host (hosts are: web-1, web-2)',
      '7:11: group "other" contains itself (through "loop")',
      '8:3: group "none" has no hosts left (a "!" item leaves out every host)',
      '9:20: "!db-*" leaves out no host: "db-*" matches none',
      '11:21: pattern "wbe-*" matches no host (hosts are: web-1, web-2)',
      '12:35: unknown host "wbe" (define it under hosts: (known: web-1, web-2))',
    ]);
  });

  it('expansion: every host of the result was named, none left out by a !glob is in it, order and uniqueness hold', () => {
    const name = fc.constantFrom('a1', 'a2', 'b1', 'b2', 'c1');
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1 }),
        fc.array(fc.constantFrom('a1', 'b2', 'a*', 'b?', '*1', '!a*', '!*2', 'g'), { minLength: 1 }),
        (hostNames, items) => {
          const { groups } = resolveGroups({ g: ['a*', 'c1'] }, hostNames);
          const { hosts } = expandHostNames(items, hostNames, groups);
          expect(new Set(hosts).size).toBe(hosts.length);
          expect(hosts).toEqual(hostNames.filter((h) => hosts.includes(h)));
          for (const h of hosts) {
            expect(
              items.some(
                (i) =>
                  i === h ||
                  (i === 'g' && groups['g']?.includes(h)) ||
                  (/[*?]/.test(i) &&
                    !i.startsWith('!') &&
                    new RegExp(`^${i.replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(h)),
              ),
            ).toBe(true);
            if (items.includes('!a*')) expect(h.startsWith('a')).toBe(false);
            if (items.includes('!*2')) expect(h.endsWith('2')).toBe(false);
          }
        },
      ),
    );
  });
});
