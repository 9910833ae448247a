import { describe, expect, it } from 'vitest';
import { drill, yamlRunbook } from '../support/drill.js';

describe('parallel groups: fail fast interrupts only members still running', () => {
  it('a member whose command finished keeps its result; a running one is interrupted', async () => {
    const rb = await yamlRunbook(`
steps:
  - id: group
    parallel:
      - { id: done-early, run: "echo done" }
      # The shell exits at once and passes; a background job keeps its output open.
      - { id: left-a-job, run: "(sleep 20 &); echo started" }
      - { id: breaks, run: "sleep 0.5; exit 1" }
      - { id: still-running, run: "sleep 20" }
`);
    const r = await drill(rb);
    expect(r.ends.get('done-early')?.status).toBe('passed');
    expect(r.ends.get('left-a-job')).toMatchObject({ status: 'passed' });
    expect(r.ends.get('breaks')?.status).toBe('failed');
    expect(r.ends.get('still-running')).toMatchObject({ status: 'interrupted' });
    expect(r.ends.get('still-running')?.reason).toContain('breaks failed');
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
  });
});
