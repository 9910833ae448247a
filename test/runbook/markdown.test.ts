import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import type { RawDocument } from '../../src/runbook/raw.js';
import { buildRunbook } from '../../src/runbook/validate.js';
import { actions } from '../support/registry.js';

/** Lines of a Markdown file; line N of the file is argument N. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;
const parse = (text: string) => parseMarkdown('drill.md', text);
const dataOf = (text: string) => parse(text).data as Record<string, unknown>;
const stepsOf = (text: string, list = 'steps') => dataOf(text)[list] as Record<string, unknown>[];
const at = (doc: RawDocument, path: string) => {
  const p = doc.positions.get(path);
  return p ? `${p.file}:${p.line}:${p.column}` : undefined;
};

/** The printed problems of a Markdown runbook that must not parse. */
function problems(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

describe('parseMarkdown: document structure', () => {
  it('reads frontmatter into top-level keys with their Markdown positions', () => {
    const doc = parse(
      md(
        '---',
        'name: drill',
        'vars:',
        '  region: us-west-2',
        'hosts:',
        '  blue: { host: 10.0.0.1, user: ubuntu }',
        '---',
        '## Go',
        '```sh',
        'true',
        '```',
      ),
    );
    expect(doc.format).toBe('markdown');
    expect(doc.data).toMatchObject({
      name: 'drill',
      vars: { region: 'us-west-2' },
      hosts: { blue: { host: '10.0.0.1', user: 'ubuntu' } },
    });
    expect(at(doc, 'name')).toBe('drill.md:2:1');
    expect(at(doc, 'vars.region')).toBe('drill.md:4:3');
    expect(at(doc, 'hosts.blue')).toBe('drill.md:6:3');
    expect(at(doc, 'hosts.blue.user')).toBe('drill.md:6:27');
    expect(at(doc, 'steps[0]')).toBe('drill.md:8:1');
  });

  it('takes the first # heading as title and the prose before the first ## as description', () => {
    const doc = parse(
      md(
        '# Failover **drill**',
        '',
        'Blackholes `blue` and',
        'checks DNS.',
        '',
        '1. first',
        '2. [second](https://example.com)',
        '',
        '## Step',
        '```sh',
        'true',
        '```',
      ),
    );
    expect(doc.data).toMatchObject({
      title: 'Failover drill',
      description: 'Blackholes `blue` and checks DNS.\n\n1. first\n2. second',
    });
    expect(at(doc, 'title')).toBe('drill.md:1:3');
    expect(at(doc, 'description')).toBe('drill.md:3:1');
  });

  it('lets frontmatter title and description win over the heading and prose', () => {
    const data = dataOf(
      md('---', 'title: Short', '---', '# A long heading', 'Prose.', '## S', '```sh', 'x', '```'),
    );
    expect(data['title']).toBe('Short');
    expect(data['description']).toBe('Prose.');
  });

  it('makes each ## a step named by its heading, with the prose under it as description', () => {
    const doc = parse(
      md(
        '## Deploy to `blue`',
        'Restarts the app.',
        '### Why',
        'A clean start.',
        '```sh',
        'restart',
        '```',
        '## Check',
        '```sh',
        'check',
        '```',
      ),
    );
    expect(doc.data).toEqual({
      steps: [
        {
          name: 'Deploy to `blue`',
          description: 'Restarts the app.\n\nWhy\n\nA clean start.',
          run: 'restart',
        },
        { name: 'Check', run: 'check' },
      ],
    });
    expect(at(doc, 'steps[1]')).toBe('drill.md:8:1');
    expect(at(doc, 'steps[1].name')).toBe('drill.md:8:4');
    expect(at(doc, 'steps[0].description')).toBe('drill.md:2:1');
    expect(at(doc, 'steps[1].run')).toBe('drill.md:9:1');
  });

  it('sends Finally, Steady state and Stop when headings to their own lists', () => {
    const block = ['```sh', 'true', '```'];
    const doc = parse(
      md(
        '## Finally: restore blue',
        ...block,
        '## Steady state - API answers',
        ...block,
        '## Main step',
        ...block,
        '## Stop when the API is down',
        ...block,
        '## finally',
        ...block,
      ),
    );
    expect(doc.data).toEqual({
      finally: [
        { name: 'restore blue', run: 'true' },
        { name: 'finally', run: 'true' },
      ],
      steady_state: [{ name: 'API answers', run: 'true' }],
      steps: [{ name: 'Main step', run: 'true' }],
      stop_when: [{ name: 'Stop when the API is down', run: 'true' }],
    });
    expect(at(doc, 'finally[1]')).toBe('drill.md:17:1');
    expect(at(doc, 'stop_when[0].run')).toBe('drill.md:14:1');
  });

  it('appends heading steps to lists the frontmatter started, including stop_when probes', () => {
    const doc = parse(
      md(
        '---',
        'stop_when: { every: 10s }',
        'steady_state:',
        '  - { name: up, run: "true" }',
        '---',
        '## Stop when: disk full',
        '```sh',
        'df',
        '```',
        '## Steady state: down',
        '```sh',
        'false',
        '```',
        '## Main',
        '```sh',
        'x',
        '```',
      ),
    );
    expect(doc.data).toMatchObject({
      stop_when: { every: '10s', probes: [{ name: 'disk full', run: 'df' }] },
      steady_state: [{ name: 'up' }, { name: 'down', run: 'false' }],
    });
    expect(at(doc, 'stop_when.probes[0]')).toBe('drill.md:6:1');
    expect(at(doc, 'steady_state[0]')).toBe('drill.md:4:5');
    expect(at(doc, 'steady_state[1]')).toBe('drill.md:10:1');
  });

  it('reads CRLF files with the same data and positions', () => {
    const text = md('# T', '## S', '```sh {timeout=1m}', 'echo hi', '```');
    const lf = parse(text);
    const crlf = parse(text.replace(/\n/g, '\r\n'));
    expect(crlf.data).toEqual(lf.data);
    expect(at(crlf, 'steps[0].timeout')).toBe(at(lf, 'steps[0].timeout'));
    expect(crlf.text).toContain('\r\n');
  });
});

describe('parseMarkdown: shell blocks', () => {
  it('runs sh, bash and shell blocks locally when no host is named', () => {
    const steps = stepsOf(
      md('## A', '```sh', 'a', 'b', '```', '## B', '```bash', 'b', '```', '## C', '~~~shell', 'c', '~~~'),
    );
    // A ```bash block runs with bash: /bin/sh may be dash, where `[[ ]]` is not a command.
    expect(steps.map((s) => s['run'])).toEqual(['a\nb', { command: 'b', shell: 'bash' }, 'c']);
  });

  it('uses the object form of run when env or cwd is given', () => {
    const steps = stepsOf(md('## A', '```sh {env="A=1 B=x=y" cwd=/tmp}', 'env', '```'));
    expect(steps[0]).toEqual({ name: 'A', run: { command: 'env', env: { A: '1', B: 'x=y' }, cwd: '/tmp' } });
  });

  it('turns host=... into ssh on one host or a list, with sudo', () => {
    const doc = parse(
      md(
        '## One',
        '```sh {host=blue}',
        'uptime',
        '```',
        '## Two',
        '```sh {host=blue,green sudo=true}',
        'reboot',
        '```',
      ),
    );
    expect(doc.data).toMatchObject({
      steps: [
        { ssh: { host: 'blue', run: 'uptime' } },
        { ssh: { host: ['blue', 'green'], run: 'reboot', sudo: true } },
      ],
    });
    expect(at(doc, 'steps[1].ssh')).toBe('drill.md:6:1');
    expect(at(doc, 'steps[1].ssh.run')).toBe('drill.md:7:1');
    expect(at(doc, 'steps[1].ssh.host')).toBe('drill.md:6:8');
    expect(at(doc, 'steps[1].ssh.sudo')).toBe('drill.md:6:24');
  });

  it('puts step attributes on the step, converting numbers and flags but keeping durations', () => {
    const doc = parse(
      md(
        '## Deploy',
        '```sh {id=42 timeout=2m retries=2 retry_delay=5s continue_on_error save=out when="{{ vars.go }}" confirm=\'Sure?\' name="Deploy it"}',
        'deploy',
        '```',
      ),
    );
    expect(stepsOf(doc.text)[0]).toEqual({
      id: '42',
      name: 'Deploy it',
      timeout: '2m',
      retries: 2,
      retry_delay: '5s',
      continue_on_error: true,
      save: 'out',
      when: '{{ vars.go }}',
      confirm: 'Sure?',
      run: 'deploy',
    });
    expect(at(doc, 'steps[0].timeout')).toBe('drill.md:2:14');
    expect(at(doc, 'steps[0].retries')).toBe('drill.md:2:25');
    expect(at(doc, 'steps[0].continue_on_error')).toBe('drill.md:2:50');
  });

  it('keeps a __proto__ attribute as a plain key for the validator to reject', () => {
    const step = stepsOf(md('## A', '```sh {"__proto__":{"polluted":true}}', 'a', '```'))[0]!;
    expect(Object.keys(step)).toContain('__proto__');
    expect(Object.getPrototypeOf(step)).toBe(Object.prototype);
  });

  it('keeps a host list given in the JSON form a list', () => {
    const steps = stepsOf(md('## A', '```sh {"host":["blue"],"env":{"A":"1"}}', 'a', '```'));
    expect(steps[0]).toEqual({ name: 'A', ssh: { host: ['blue'], run: 'a', env: { A: '1' } } });
  });

  it('reads the JSON attributes Runme writes and ignores Runme-only keys', () => {
    const doc = parse(
      md('## A', '```sh {"id":"x","timeout":"2m","interactive":"false","retries":1}', 'a', '```'),
    );
    expect(stepsOf(doc.text)[0]).toEqual({ name: 'A', id: 'x', timeout: '2m', retries: 1, run: 'a' });
    expect(at(doc, 'steps[0].timeout')).toBe('drill.md:2:17');
  });

  it('makes a block marked undo the step undo action', () => {
    const doc = parse(
      md('## A', '```sh {host=blue}', 'break', '```', '```sh {undo host=blue}', 'fix', '```'),
    );
    expect(stepsOf(doc.text)[0]).toEqual({
      name: 'A',
      ssh: { host: 'blue', run: 'break' },
      undo: { ssh: { host: 'blue', run: 'fix' } },
    });
    expect(at(doc, 'steps[0].undo.ssh.host')).toBe('drill.md:5:13');
  });

  it('treats other fenced blocks as documentation that never runs', () => {
    const steps = stepsOf(
      md(
        '## A',
        '```json',
        '{"run": "no"}',
        '```',
        '```',
        'plain',
        '```',
        '```console',
        '$ rm -rf /',
        '```',
        '```yaml',
        'run: no',
        '```',
        '```sh',
        'yes',
        '```',
      ),
    );
    expect(steps).toEqual([{ name: 'A', run: 'yes' }]);
  });
});

describe('parseMarkdown: yaml drillbook blocks and confirm callouts', () => {
  it('merges a yaml drillbook block into the step with positions inside the block', () => {
    const doc = parse(
      md(
        '## Alarm fires',
        '```yaml drillbook',
        'timeout: 6m',
        'cloudwatch_alarm:',
        '  names: [a, b]',
        '  state: ALARM',
        '```',
      ),
    );
    expect(stepsOf(doc.text)[0]).toEqual({
      name: 'Alarm fires',
      timeout: '6m',
      cloudwatch_alarm: { names: ['a', 'b'], state: 'ALARM' },
    });
    expect(at(doc, 'steps[0].cloudwatch_alarm')).toBe('drill.md:4:1');
    expect(at(doc, 'steps[0].cloudwatch_alarm.names')).toBe('drill.md:5:3');
    expect(at(doc, 'steps[0].cloudwatch_alarm.names[1]')).toBe('drill.md:5:14');
  });

  it('sets top-level keys from a yaml drillbook block before the first step', () => {
    const doc = parse(
      md('# T', '```yaml drillbook', 'hosts:', '  blue: { host: h }', '```', '## S', '```sh', 'x', '```'),
    );
    expect(doc.data).toMatchObject({ title: 'T', hosts: { blue: { host: 'h' } } });
    expect(at(doc, 'hosts.blue')).toBe('drill.md:4:3');
  });

  it('keeps two different actions in one step for the validator to report', () => {
    const steps = stepsOf(md('## A', '```sh', 'x', '```', '```yaml drillbook', 'wait: 5s', '```'));
    expect(steps[0]).toEqual({ name: 'A', run: 'x', wait: '5s' });
  });

  it('reads a > [!CONFIRM] callout as the step gate', () => {
    const doc = parse(md('## Gate', '> [!CONFIRM]', '> Blackhole `blue`', '> for 240 s?'));
    expect(doc.data).toEqual({ steps: [{ name: 'Gate', confirm: 'Blackhole `blue` for 240 s?' }] });
    expect(at(doc, 'steps[0].confirm')).toBe('drill.md:2:1');
  });

  it('reads Type, Timeout and On timeout lines in a callout as the confirm object', () => {
    const doc = parse(
      md(
        '## Gate',
        '> [!confirm]',
        '> Really?',
        '>',
        '> Type: `blackhole blue`',
        '> Timeout: 2m',
        '> On timeout: skip',
      ),
    );
    expect(stepsOf(doc.text)[0]?.['confirm']).toEqual({
      message: 'Really?',
      type: 'blackhole blue',
      timeout: '2m',
      on_timeout: 'skip',
    });
    expect(at(doc, 'steps[0].confirm.type')).toBe('drill.md:5:3');
    expect(at(doc, 'steps[0].confirm.on_timeout')).toBe('drill.md:7:3');
  });

  it('leaves other blockquotes and alerts in the description', () => {
    const steps = stepsOf(md('## S', '> [!WARNING]', '> Careful.', '```sh', 'x', '```'));
    expect(steps[0]).toEqual({ name: 'S', description: '> [!WARNING] Careful.', run: 'x' });
  });
});

describe('parseMarkdown: problems reported at the Markdown position', () => {
  it('refuses an empty file and a binary file', () => {
    expect(problems('  \n\n')).toBe(
      'drill.md:1:1: the runbook is empty (a Markdown runbook needs a `# Title` and at least one `##` step with a ```sh block)',
    );
    expect(problems('# T\nab\0cd')).toContain('drill.md:2:3: this is a binary file');
  });

  it('reports a Markdown file without ## steps', () => {
    expect(problems(md('', '# Title', 'Just prose.'))).toBe(
      'drill.md:2:1: no steps: each `##` heading is a step (add a `## Step name` with a ```sh block under it)',
    );
  });

  it('reports an unterminated fence at its opening line', () => {
    expect(problems(md('## A', '```sh', 'x', '```', '## B', '````sh', 'y', '```', '## C'))).toBe(
      'drill.md:6:1: this ```` fence is never closed, so it swallows the rest of the file (add a closing ```` line)',
    );
  });

  it('reports bad attribute syntax at the column of the problem', () => {
    expect(problems(md('## A', '```sh {host=blue', 'x', '```'))).toContain(
      'drill.md:2:17: steps[0]: bad attribute syntax: missing `}`',
    );
    expect(problems(md('## A', '```sh {name="a b}', 'x', '```'))).toContain(
      'drill.md:2:13: steps[0]: bad attribute syntax: the quoted value of `name` is never closed',
    );
    expect(problems(md('## A', '```sh host=blue', 'x', '```'))).toContain(
      'drill.md:2:7: steps[0]: bad attribute syntax: attributes go in braces',
    );
    expect(problems(md('## A', '```sh {"id": x}', 'x', '```'))).toContain(
      'drill.md:2:7: steps[0]: bad attribute syntax: invalid JSON',
    );
    expect(problems(md('## A', '```sh {timeout=1m timeout=2m}', 'x', '```'))).toContain(
      'drill.md:2:19: steps[0]: attribute `timeout` is given twice',
    );
  });

  it('reports YAML errors inside a drillbook block and in frontmatter at their line in the file', () => {
    expect(problems(md('## A', '```yaml drillbook', 'wait: 5s', 'http: { url: x', '```'))).toMatch(
      /^drill\.md:5:1: steps\[0\]: in this ```yaml drillbook block: YAML syntax error: /,
    );
    expect(
      problems(md('---', 'name: x', 'vars:', '  a: 1', ' b: 2', '---', '## A', '```sh', 'x', '```')),
    ).toMatch(/^drill\.md:5:2: in the frontmatter: YAML syntax error: bad indentation/);
    expect(problems(md('---', 'name: x', '## A'))).toBe(
      'drill.md:1:1: the frontmatter that starts here is never closed (add a `---` line after it)',
    );
  });

  it('reports a step without an action at its heading', () => {
    expect(problems(md('## A', 'Only prose.', '```json', '{}', '```', '## B', '```sh', 'x', '```'))).toBe(
      'drill.md:1:1: steps[0]: step has no action: add a ```sh block, a ```yaml drillbook block or a > [!CONFIRM]',
    );
  });

  it('reports a second sh block in one step at the second block', () => {
    expect(problems(md('## A', '```sh', 'one', '```', '', '```bash {host=blue}', 'two', '```'))).toBe(
      'drill.md:6:1: steps[0].ssh: a step has one action; split into two ## headings',
    );
  });

  it('reports a key set twice in one step, naming where it was first set', () => {
    expect(
      problems(md('## A', '```sh {timeout=1m}', 'x', '```', '```yaml drillbook', 'timeout: 2m', '```')),
    ).toBe(
      'drill.md:6:1: steps[0].timeout: `timeout` is set twice in this step (it was first set at line 2; keep one)',
    );
    expect(
      problems(md('## A', '> [!CONFIRM]', '> Sure?', '', '```sh {confirm=Really?}', 'x', '```')),
    ).toContain('drill.md:5:8: steps[0].confirm: `confirm` is set twice in this step');
  });

  it('reports runnable blocks that belong to no step or would silently not run', () => {
    expect(problems(md('# T', '```sh', 'x', '```', '## A', '```sh', 'y', '```'))).toContain(
      'drill.md:2:1: this ```sh block comes before the first `##` heading, so it belongs to no step',
    );
    expect(problems(md('## A', '- first:', '  ```sh', '  x', '  ```', '```sh', 'y', '```'))).toContain(
      'drill.md:3:3: this ```sh block is inside a list or quote, where it would not run',
    );
  });

  it('reports a gate inside a list, which would not stop the step, and an empty heading', () => {
    expect(problems(md('## A', '- note:', '  > [!CONFIRM]', '  > Sure?', '```sh', 'y', '```'))).toContain(
      'drill.md:3:3: this > [!CONFIRM] is inside a list or quote, where it would not stop the step',
    );
    expect(problems(md('##', '```sh', 'y', '```'))).toBe(
      'drill.md:1:1: steps[0]: this `##` heading is empty (its text names the step)',
    );
  });

  it('refuses step settings on an undo block', () => {
    expect(problems(md('## A', '```sh', 'x', '```', '```sh {undo timeout=1m}', 'y', '```'))).toContain(
      'drill.md:5:13: steps[0]: `timeout` is a step setting and cannot go on an undo block',
    );
  });

  it('reports every structural problem at once, in file order', () => {
    const message = problems(md('## A', 'nothing', '## B', '```sh {x=}', 'y', '```'));
    expect(message.split('\n')).toEqual([
      'drill.md:1:1: steps[0]: step has no action: add a ```sh block, a ```yaml drillbook block or a > [!CONFIRM]',
      'drill.md:4:8: steps[1]: bad attribute syntax: `x=` has no value (write x="" for an empty value)',
    ]);
  });
});

describe('parseMarkdown with the shared validator', () => {
  it('lets the validator report action problems at the Markdown attribute position', () => {
    const doc = parse(md('# T', '## Deploy', '```sh {retries=lots}', 'x', '```'));
    expect(() => buildRunbook(actions, doc)).toThrow(/^drill\.md:3:8: steps\[0\]\.retries/);
  });
});
