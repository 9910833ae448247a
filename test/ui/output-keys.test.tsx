import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { keys, type Rendered, render } from '../support/render.js';
import { fakeEngine } from './fake-engine.js';

const pageUp = '\u001b[5~';
const pageDown = '\u001b[6~';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

/** A step with 300 numbered lines, then a gate that keeps the drill waiting while we scroll. */
function mountLongOutput() {
  const run = fakeEngine([
    { id: 'dump', name: 'Dump logs', output: Array.from({ length: 300 }, (_, i) => `log line ${i + 1}`) },
    { id: 'gate', name: 'Wait here', confirm: { message: 'Go on?' } },
  ]);
  const session = new TuiSession({ title: 'Scroll', start: run.start, finish: async () => [], flushMs: 20 });
  ui = render(<App session={session} />);
  return { run, session, done: session.run() };
}

describe('output pane keys', () => {
  it('PgUp/PgDn scroll a finished step, g shows its first line, G follows the tail again', async () => {
    mountLongOutput();
    await ui!.waitForFrame('Go on?');
    await ui!.press('k');
    const tail = await ui!.waitForFrame('output · Dump logs');
    expect(tail).toContain('log line 300');
    await ui!.press(pageUp);
    const up = await ui!.waitForFrame((f) => !f.includes('log line 300') && f.includes('(G follows)'));
    expect(up).toMatch(/log line 2\d\d/);
    await ui!.press('g');
    const top = await ui!.waitForFrame((f) => /log line 1\n/.test(f));
    expect(top).toContain('lines 1-');

    await ui!.press(pageDown);
    await ui!.waitForFrame((f) => !/log line 1\n/.test(f) && f.includes('(G follows)'));
    await ui!.press('G');
    const followed = await ui!.waitForFrame((f) => f.includes('log line 300') && !f.includes('(G follows)'));
    expect(followed).toContain('output · Dump logs');
  });

  it('/ searches the output, n/N move between hits and the title counts them; Esc cancels typing', async () => {
    mountLongOutput();
    await ui!.waitForFrame('Go on?');
    await ui!.press('k', '/');
    await ui!.waitForFrame('Enter search · Esc cancel');
    await ui!.press(...'line 12', keys.enter);
    const first = await ui!.waitForFrame('/line 12 1/11 (n/N)');
    expect(first).toContain('log line 12\n');
    await ui!.press('n');
    const second = await ui!.waitForFrame('/line 12 2/11');
    expect(second).toContain('log line 120');
    await ui!.press('N', 'N');
    const wrapped = await ui!.waitForFrame('/line 12 11/11');
    expect(wrapped).toContain('log line 129');
    await ui!.press('/', ...'zzz', keys.escape);
    await ui!.waitForFrame((f) => !f.includes('Enter search'));
    expect(ui!.frame()).toContain('/line 12 11/11');
    await ui!.press('/', ...'no such text', keys.enter);
    await ui!.waitForFrame('/no such text: no match');
  });

  it('keys typed into the search field never answer the gate', async () => {
    const { run } = mountLongOutput();
    await ui!.waitForFrame('Go on?');
    await ui!.press('/', 'a', 's', keys.enter);
    await ui!.waitForFrame('/as');
    expect(run.decisions).toEqual([]);
  });
});
