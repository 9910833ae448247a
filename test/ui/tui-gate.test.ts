import { describe, expect, it } from 'vitest';
import type { ConfirmRequest } from '../../src/engine/gate.js';
import { GateCancelled, TuiGate } from '../../src/ui/tui-gate.js';

const request: ConfirmRequest = {
  stepId: 's1',
  stepName: 'Shut down blue',
  message: 'Sure?',
  summary: 'ssh blue: shutdown',
};

describe('TuiGate', () => {
  it('publishes a prompt and resolves with the answer', async () => {
    const gate = new TuiGate();
    let notified = 0;
    gate.subscribe(() => notified++);
    const pending = gate.confirm(request, new AbortController().signal);
    const prompt = gate.pending();
    expect(prompt?.kind).toBe('confirm');
    expect(prompt?.request).toBe(request);
    if (prompt?.kind !== 'confirm') throw new Error('no prompt');
    prompt.answer({ decision: 'approve', by: 'person', note: 'ok' });
    await expect(pending).resolves.toEqual({ decision: 'approve', by: 'person', note: 'ok' });
    expect(gate.pending()).toBeUndefined();
    expect(notified).toBe(2);
  });

  it('rejects when the call signal aborts (timeout, Ctrl-C) and removes the prompt', async () => {
    const gate = new TuiGate();
    const engine = new AbortController();
    const first = gate.failed({ stepId: 's', stepName: 's', reason: 'exit 1', attempts: 1 }, engine.signal);
    expect(gate.pending()?.kind).toBe('failed');
    engine.abort('no decision within 5m');
    await expect(first).rejects.toBeInstanceOf(GateCancelled);
    await expect(first).rejects.toThrow('gate cancelled: no decision within 5m');
    expect(gate.pending()).toBeUndefined();
    // Already aborted: rejected at once, never shown.
    await expect(gate.confirm(request, engine.signal)).rejects.toBeInstanceOf(GateCancelled);
    expect(gate.pending()).toBeUndefined();
  });

  it('abortPending answers every open question abort, by person', async () => {
    const gate = new TuiGate();
    const signal = new AbortController().signal;
    const a = gate.confirm(request, signal);
    const b = gate.failed({ stepId: 's2', stepName: 's2', reason: 'exit 1', attempts: 1 }, signal);
    gate.abortPending('drill aborted in the TUI');
    await expect(a).resolves.toEqual({ decision: 'abort', by: 'person', note: 'drill aborted in the TUI' });
    await expect(b).resolves.toEqual({ decision: 'abort', by: 'person', note: 'drill aborted in the TUI' });
    expect(gate.pending()).toBeUndefined();
  });

  it('queues a second question (parallel steps) until the first is answered', async () => {
    const gate = new TuiGate();
    const signal = new AbortController().signal;
    const a = gate.confirm(request, signal);
    const b = gate.confirm({ ...request, stepId: 's2' }, signal);
    const first = gate.pending();
    if (first?.kind !== 'confirm') throw new Error('no prompt');
    expect(first.request.stepId).toBe('s1');
    first.answer({ decision: 'skip', by: 'person', note: 'n' });
    const second = gate.pending();
    if (second?.kind !== 'confirm') throw new Error('no prompt');
    expect(second.request.stepId).toBe('s2');
    second.answer({ decision: 'approve', by: 'person', note: 'y' });
    expect((await a).decision).toBe('skip');
    expect((await b).decision).toBe('approve');
  });
});
