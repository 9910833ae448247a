import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/commands/plan.js';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseRunbookBytes } from '../../src/runbook/load.js';
import { refText } from '../../src/runbook/measure-spec.js';
import type { Runbook } from '../../src/runbook/model.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

const STEPS = `steps:
  - id: blackhole
    confirm: Cut blue off?
    run: echo attack
  - id: dns-green
    http: { url: "http://127.0.0.1:1/", within: 1m, interval: 5s }
  - id: check-once
    http: { url: "http://127.0.0.1:1/" }
  - id: wait-green
    wait: { until: { run: "true" }, within: 1m }
  - id: nap
    wait: 1s
  - id: port-open
    tcp: { host: 127.0.0.1, port: 1, within: 1m }
  - id: group
    parallel:
      - { id: member-a, run: "true" }
      - { id: member.b, run: "true" }
finally:
  - id: restore
    run: echo restore
steady_state:
  - id: healthy
    run: "true"
`;

async function load(file: string, text: string): Promise<Runbook> {
  return buildRunbook(actions, await parseRunbookBytes(file, new TextEncoder().encode(text)));
}

async function refusal(measures: string): Promise<string> {
  try {
    await load('drill.yaml', `${STEPS}measures:\n${measures}`);
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('loaded, expected a refusal');
}

describe('measures: at load time', () => {
  it('every event kind loads, in YAML and in Markdown frontmatter alike', async () => {
    const measures = `  - { name: failover, from: blackhole.approved, to: dns-green.observed, max: 5m }
  - { name: by start, from: blackhole.start, to: wait-green.observed }
  - { name: dotted ids, from: member.b.end, to: restore.pass, max: 90 }
  - { name: port, from: blackhole.end, to: port-open.observed }
`;
    const yaml = await load('drill.yaml', `${STEPS}measures:\n${measures}`);
    const specs = yaml.measures.map((m) => [m.name, refText(m.from), refText(m.to), m.max]);
    expect(specs).toEqual([
      ['failover', 'blackhole.approved', 'dns-green.observed', 300_000],
      ['by start', 'blackhole.start', 'wait-green.observed', undefined],
      ['dotted ids', 'member.b.end', 'restore.pass', 90_000],
      ['port', 'blackhole.end', 'port-open.observed', undefined],
    ]);
    const md = await load(
      'drill.md',
      `---\nmeasures:\n  - { name: rto, from: blackhole.end, to: dns.observed, max: 4m }\n---\n# T\n\n## Blackhole\n\n\`\`\`sh\necho x\n\`\`\`\n\n## DNS\n\n\`\`\`yaml drillbook\nhttp: http://127.0.0.1:1/\n\`\`\`\n`,
    ).catch((error: unknown) => error);
    // A Markdown step without within does not poll: refused at the frontmatter's line.
    expect(String(md)).toMatch(/drill\.md:3:39: measures\[0\]\.to: step "dns" does not poll/);
    expect(yaml.measures).toHaveLength(4);
    // `drillbook plan` says what is timed and what fails the drill.
    expect(renderPlan(actions, yaml)).toContain(
      '\nMeasures:\n  failover: blackhole.approved -> dns-green.observed (max 5m: slower or not measured fails the drill)\n  by start: blackhole.start -> wait-green.observed\n',
    );
  });

  it('refuses, with file:line:column and what was expected, every reference that could never happen', async () => {
    const message = await refusal(`  - { name: a, from: blakhole.end, to: dns-green.observed }
  - { name: b, from: blackhole.ended, to: dns-green.observed }
  - { name: c, from: blackhole.end, to: check-once.observed }
  - { name: d, from: dns-green.approved, to: restore.end }
  - { name: a, from: blackhole.end, to: restore.end }
  - { name: e, from: restore.end, to: restore.end }
  - { name: f, from: blackhole, to: restore.end }
  - { name: g, from: healthy.end, to: restore.end }
  - { name: h, from: nap.observed, to: group.observed }
  - { name: i, from: blackhole.end, to: restore.end, max: 0s }
`);
    const lines = message.split('\n');
    const expected = [
      /^drill\.yaml:26:\d+: measures\[0\]\.from: unknown step "blakhole" \(did you mean "blackhole\.end"\?\)$/,
      /^drill\.yaml:27:\d+: measures\[1\]\.from: unknown event "ended" \(did you mean "blackhole\.end"\?\)$/,
      /^drill\.yaml:28:\d+: measures\[2\]\.to: step "check-once" does not poll, so nothing is ever observed/,
      /^drill\.yaml:29:\d+: measures\[3\]\.from: step "dns-green" has no gate \(confirm:\), so it is never approved \(use dns-green\.start\)$/,
      /^drill\.yaml:30:\d+: measures\[4\]\.name: duplicate measure name "a" \(first used by measures\[0\]\)$/,
      /^drill\.yaml:31:\d+: measures\[5\]\.to: from and to are the same event \(restore\.end\)/,
      /^drill\.yaml:32:\d+: measures\[6\]\.from: expected STEP\.EVENT, got "blackhole"/,
      /^drill\.yaml:33:\d+: measures\[7\]\.from: unknown step "healthy" \(steady-state checks run twice/,
      /^drill\.yaml:34:\d+: measures\[8\]\.from: step "nap" does not poll/,
      /^drill\.yaml:34:\d+: measures\[8\]\.to: step "group" does not poll/,
      /^drill\.yaml:35:\d+: measures\[9\]\.max: a duration of 0 makes no sense here/,
    ];
    expect(lines).toHaveLength(expected.length);
    for (const [i, pattern] of expected.entries()) expect(lines[i]).toMatch(pattern);
  });

  it('refuses a misspelt key inside a measure and a measure without to', async () => {
    const message = await refusal('  - { name: a, from: blackhole.end, too: restore.end }\n');
    expect(message).toMatch(/drill\.yaml:26:5: measures\[0\]: missing required key "to"/);
    expect(message).toMatch(
      /drill\.yaml:26:\d+: measures\[0\]\.too: unknown key "too" \(did you mean "to"\?\)/,
    );
  });
});
