import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, workspace } from '../support/cli.js';
import { linesWiderThan, TmuxPane, terminalRestored, tmuxMissing } from '../support/tmux.js';

const missing = tmuxMissing();
const DRILLBOOK = 'node "$DRILLBOOK_BIN"';

/** 38 quick steps, one with 10,000 lines of output, then a gate that waits for the person. */
function bigDrill(): string {
  const quick = Array.from(
    { length: 38 },
    (_, i) => `  - id: s${i + 1}\n    name: Quick step ${i + 1}\n    run: echo quick-${i + 1}\n`,
  ).join('');
  return `drillbook: 1
name: big
title: Forty steps
steps:
${quick}  - id: dump
    name: Dump ten thousand lines
    run: "seq 1 10000 | sed 's/^/row /'"
  - id: gate
    name: Wait for the person
    confirm: { message: "Finish the drill?" }
    run: echo finished
finally:
  - name: cleanup
    run: echo cleaned
`;
}

/** Index (from 0) of the last non-blank row of a captured screen. */
const lastUsedRow = (screen: string) =>
  screen.split('\n').reduce((last, line, i) => (line.trim() === '' ? last : i), -1);

describe.skipIf(missing !== undefined)('TUI screen in a real terminal (tmux)', () => {
  it('120x35: fills the height, scrolls and searches a 10,000-line step, survives 60x24, leaves its summary in the scrollback', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('big.yaml', bigDrill());
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `${DRILLBOOK} run big.yaml`,
      env: { DRILLBOOK_BIN: BIN },
      width: 120,
      height: 35,
    });
    const gate = await pane.waitForScreen('Finish the drill?', 60_000);
    // The frame uses the whole window: the prompt sits at the bottom, not half way.
    expect(lastUsedRow(gate)).toBeGreaterThanOrEqual(31);
    // The step count is the one validate prints: 40 steps, finally apart.
    expect(gate).toMatch(/✔ 39 passed {2}✘ 0 failed {2}○ 1 remaining/);
    expect(gate).toMatch(/40\/40 \? Wait for the person/);

    await pane.sendKeys('k');
    const tail = await pane.waitForScreen('row 10000');
    expect(tail).toContain('output · Dump ten thousand lines');
    await pane.sendKeys('PPage');
    const up = await pane.waitForScreen('(G follows)');
    expect(up).not.toContain('row 10000');
    await pane.sendKeys('g');
    await pane.waitForScreen(/lines 9501-\d+ of 10000/);
    await pane.sendKeys('/');
    await pane.type('row 9876');
    await pane.sendKeys('Enter');
    const found = await pane.waitForScreen('/row 9876 1/1 (n/N)');
    expect(found).toMatch(/^row 9876$/m);
    await pane.sendKeys('G');
    await pane.waitForScreen((s) => s.includes('row 10000') && !s.includes('(G follows)'));

    await pane.resize(60, 24);
    const narrow = await pane.waitForScreen(
      (s) => s.includes('Finish the drill?') && s.split('\n').length <= 25,
    );
    expect(linesWiderThan(narrow, 60)).toEqual([]);
    expect(lastUsedRow(narrow)).toBeLessThanOrEqual(23);

    await pane.sendKeys('a');
    await pane.waitForScreen(/EXIT=\d+/, 60_000);
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(0);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
    // After exit, the verdict, one row per step and the full report path stay in the scrollback.
    const history = await pane.capture({ history: true, join: true });
    expect(history).toMatch(/^Drill passed in .* · 40 passed, 0 failed, 0 skipped\n(.* · )?exit 0$/m);
    expect(history).toContain('drillbook: Forty steps');
    expect(history).toMatch(/^ {2}✔ 39\/40 Dump ten thousand lines +\S+$/m);
    expect(history).toMatch(/^ {2}✔ 1\/40 Quick step 1 /m);
    expect(history).toMatch(/^ {2}✔ finally: cleanup /m);
    expect(history).toMatch(/^Reports:\n {2}\/\S+\/journal\.jsonl$/m);
  }, 180_000);

  it('NO_COLOR and --no-color: not one escape sequence on the screen, keys still work', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write(
      'small.yaml',
      `drillbook: 1
name: plain
title: Plain
steps:
  - id: broken
    name: Broken step
    run: "echo oops >&2; exit 3"
  - id: gate
    name: Gate
    confirm: { message: "Go on?" }
    run: echo went-on
`,
    );
    const panes = [
      new TmuxPane({
        cwd: ws.dir,
        command: `${DRILLBOOK} run small.yaml`,
        env: { DRILLBOOK_BIN: BIN, NO_COLOR: '1' },
      }),
      new TmuxPane({
        cwd: ws.dir,
        command: `${DRILLBOOK} run small.yaml --no-color`,
        env: { DRILLBOOK_BIN: BIN },
      }),
    ];
    for (const pane of panes) {
      const failed = await pane.waitForScreen('i ignore and go on', 60_000);
      expect(failed).toMatch(/✘ Broken step/);
      const styled = await pane.capture({ escapes: true });
      expect(styled).not.toContain('\u001b[');
      await pane.sendKeys('i');
      await pane.waitForScreen('Go on?');
      expect(await pane.capture({ escapes: true })).not.toContain('\u001b[');
      await pane.sendKeys('a');
      const end = await pane.waitForScreen(/EXIT=\d+/, 60_000);
      expect(end).toContain('EXIT=0');
      expect(await pane.capture({ escapes: true, history: true })).not.toContain('\u001b[');
    }
  }, 180_000);
});
