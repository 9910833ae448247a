import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, workspace } from '../support/cli.js';
import { TmuxPane, terminalRestored, tmuxMissing } from '../support/tmux.js';

const missing = tmuxMissing();
const DRILLBOOK = 'node "$DRILLBOOK_BIN"';

const DRILL = `drillbook: 1
name: pager
steps:
  - id: dump
    name: Dump ten thousand lines
    run: "seq 1 10000 | sed 's/^/row /'"
  - id: gate
    name: Wait for the person
    confirm: { message: "Finish the drill?" }
    run: echo finished
`;

/**
 * A stand-in pager: records what it was given, shows its line count, and reads one line
 * from the terminal, so the test sees whether typed keys reach it rather than the TUI.
 */
const STAND_IN = `#!/bin/sh
{ wc -l < "$1"; head -n 1 "$1"; tail -n 1 "$1"; } > paged.txt
echo "STAND-IN PAGER: $(wc -l < "$1") lines"
read -r typed
echo "$typed" > typed.txt
`;

describe.skipIf(missing !== undefined)('o in a real terminal (tmux)', () => {
  it("a 10,000-line step's whole output reaches $PAGER, keys go to the pager, and the TUI comes back", async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('drill.yaml', DRILL);
    chmodSync(ws.write('pager.sh', STAND_IN), 0o755);
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `${DRILLBOOK} run drill.yaml`,
      env: { DRILLBOOK_BIN: BIN, PAGER: ws.path('pager.sh') },
      width: 100,
      height: 30,
    });
    await pane.waitForScreen('Finish the drill?', 60_000);
    await pane.sendKeys('k');
    await pane.waitForScreen('row 10000');
    await pane.sendKeys('o');
    await pane.waitForScreen('STAND-IN PAGER: 10000 lines');
    expect(ws.read('paged.txt')).toBe('10000\nrow 1\nrow 10000\n');
    // q would ask "Abort drill?" if the TUI still read the keys.
    await pane.type('q');
    await pane.sendKeys('Enter');
    // The pager printed over the frame; the TUI clears the screen and draws all of it again.
    const back = await pane.waitForScreen((s) => s.includes('Finish the drill?') && !s.includes('STAND-IN'));
    expect(ws.read('typed.txt')).toBe('q\n');
    expect(back).not.toContain('Abort drill?');
    expect(back).not.toContain('STAND-IN PAGER');
    expect(back).toContain('output · Dump ten thousand lines');
    await pane.sendKeys('a');
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(0);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
  }, 120_000);

  it('without $PAGER, less shows the whole output; q in less returns to the TUI', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('drill.yaml', DRILL);
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `${DRILLBOOK} run drill.yaml`,
      env: { DRILLBOOK_BIN: BIN },
      width: 100,
      height: 30,
    });
    await pane.waitForScreen('Finish the drill?', 60_000);
    await pane.sendKeys('k', 'o');
    // less's first page: the start of the output, which the TUI itself no longer holds.
    await pane.waitForScreen((s) => /^row 1$/m.test(s) && !s.includes('Finish the drill?'));
    await pane.sendKeys('G');
    await pane.waitForScreen((s) => /^row 10000$/m.test(s) && s.includes('(END)'));
    await pane.sendKeys('q');
    await pane.waitForScreen('Finish the drill?');
    await pane.sendKeys('a');
    expect((await pane.waitForExit(15_000)).code).toBe(0);
  }, 120_000);
});
