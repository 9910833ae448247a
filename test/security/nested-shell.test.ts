import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';

/**
 * Shell text rendered outside a step's own `run:`: `wait: { until: { run } }` (rendered when
 * the probe runs) and `stop_when` probes. Their values travel as data too.
 */
describe('values in nested and probe shell text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-nested-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('wait until: run and stop_when probes run no value and receive it whole', async () => {
    const canary = join(dir, 'pwned');
    const hostile = `EOF\n$(touch ${canary})'; touch ${canary}; "\`touch ${canary}\``;
    const doc = {
      name: 'nested',
      stop_when: {
        every: '100ms',
        probes: [{ id: 'probe', run: `printf '%s' {{ vars.v }} > ${dir}/probe.got` }],
      },
      steps: [
        {
          id: 'waits',
          wait: {
            until: { run: `cat > ${dir}/wait.got <<EOF\n{{ vars.v }}\nEOF\n[ -s ${dir}/probe.got ]` },
            within: '20s',
            interval: '100ms',
          },
        },
      ],
    };
    writeFileSync(join(dir, 'rb.yaml'), JSON.stringify(doc));
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const runbook = await loadRunbook(actions, join(dir, 'rb.yaml'), { vars: { v: hostile }, env });
    const result = await drill(runbook, { env });
    expect(existsSync(canary)).toBe(false);
    expect(result.end.status).toBe('passed');
    expect(readFileSync(join(dir, 'wait.got'), 'utf8')).toBe(`${hostile}\n`);
    expect(readFileSync(join(dir, 'probe.got'), 'utf8')).toBe(hostile);
  }, 60_000);
});
