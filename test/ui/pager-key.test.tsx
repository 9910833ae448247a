import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventListener } from '../../src/engine/events.js';
import { OutputSpool } from '../../src/engine/output-spool.js';
import { App } from '../../src/ui/App.js';
import { runPager } from '../../src/ui/pager.js';
import { TuiSession } from '../../src/ui/session.js';
import { terminalPager } from '../../src/ui/terminal-pager.js';
import { workspace } from '../support/cli.js';
import { FakeTty, type Rendered, render, waitFor } from '../support/render.js';
import { fakeEngine } from './fake-engine.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const LINES = 3000;

/**
 * A step printing 3,000 lines (the TUI keeps 500), then a gate that keeps the drill open.
 * The run's output goes through a real spool, as `drillbook run` does.
 */
function mountWithSpool(pager: string) {
  const ws = workspace();
  const spool = new OutputSpool(join(ws.dir, 'run'));
  const run = fakeEngine([
    { id: 'dump', name: 'Dump logs', output: Array.from({ length: LINES }, (_, i) => `log line ${i + 1}`) },
    { id: 'gate', name: 'Wait here', confirm: { message: 'Go on?' } },
  ]);
  const session = new TuiSession({
    title: 'Pager',
    start: (gate, onEvent: EventListener, signal, force) =>
      run.start(
        gate,
        (event) => {
          spool.write(event);
          onEvent(event);
        },
        signal,
        force,
      ),
    finish: async () => [],
    flushMs: 20,
    outputFile: (id) => spool.pathFor(id),
  });
  session.pageFile = (file) => runPager(file, pager, process.env);
  ui = render(<App session={session} />);
  return { ws, session, done: session.run() };
}

/** A stand-in pager: records the line count and first and last line of its file, then waits for `go`. */
function standInPager(dir: string): string {
  const script = join(dir, 'pager.sh');
  writeFileSync(
    script,
    // Written whole then renamed, so the test never reads it half-written; gives up after ~30 s.
    `#!/bin/sh\n{ wc -l < "$1"; head -n 1 "$1"; tail -n 1 "$1"; } > "${dir}/paged.tmp"\nmv "${dir}/paged.tmp" "${dir}/paged"\n` +
      `i=0; while [ ! -e "${dir}/go" ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

describe('o: the whole output in the pager', () => {
  it("opens the focused step's full output (3,000 lines, not the 500 kept on screen), then the TUI comes back", async () => {
    const ws = workspace();
    const { session } = mountWithSpool(standInPager(ws.dir));
    await ui!.waitForFrame('Go on?');
    await ui!.press('k');
    await ui!.waitForFrame('output · Dump logs');
    await ui!.press('o');
    await ui!.waitForFrame('Output of dump is open in the pager.');
    await waitFor(() => existsSync(join(ws.dir, 'paged')), { timeoutMs: 10_000 });
    const [count, first, last] = readFileSync(join(ws.dir, 'paged'), 'utf8').trim().split('\n');
    expect(Number(count)).toBe(LINES);
    expect(first).toBe('log line 1');
    expect(last).toBe(`log line ${LINES}`);
    // Keys while the pager owns the screen are not the TUI's: this `o` opens nothing more.
    await ui!.press('o');
    writeFileSync(join(ws.dir, 'go'), '');
    const back = await ui!.waitForFrame('Go on?', 10_000);
    expect(back).toContain('output · Dump logs');
    expect(session.paging.current()).toBeUndefined();
    session.abort('user');
  });

  it('says so in the messages when no pager can be run, and when the step printed nothing', async () => {
    const { session } = mountWithSpool('/nonexistent/pager');
    await ui!.waitForFrame('Go on?');
    await ui!.press('o');
    await ui!.waitForFrame('gate has printed nothing yet');
    await ui!.press('k', 'o');
    const frame = await ui!.waitForFrame('no pager found');
    expect(frame).toContain('/nonexistent/pager could not be run (set $PAGER)');
    expect(frame).toContain('Go on?');
    session.abort('user');
  });
});

describe('terminalPager', () => {
  it('hands the terminal over in cooked mode, drops frames meanwhile, then takes it back and clears', async () => {
    const tty = new FakeTty();
    tty.stdin.setRawMode(true);
    const ws = workspace();
    const file = ws.write('out.log', 'a\nb\n');
    const page = terminalPager(
      tty.stdin as unknown as NodeJS.ReadStream,
      tty.stdout as unknown as NodeJS.WriteStream,
      { ...process.env, PAGER: `sh -c 'wc -l < "$1" > ${ws.path('n')}' sh` },
      true,
    );
    const paging = page(file);
    const duringRaw = tty.stdin.isRaw;
    tty.stdout.write('a frame Ink drew meanwhile');
    expect(await paging).toBeUndefined();
    expect(duringRaw).toBe(false);
    expect(tty.stdin.isRaw).toBe(true);
    expect(tty.output()).not.toContain('a frame Ink drew meanwhile');
    expect(tty.raw()).toContain('\u001b[2J\u001b[H');
    expect(ws.read('n').trim()).toBe('2');
  });
});
