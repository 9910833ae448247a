import type { PageFile } from './output-paging.js';
import { pagerCommand, runPager } from './pager.js';
import { stopReading } from './tty-reading.js';

/** How long Ink's frames stay dropped after the pager: its render throttle is 100 ms. */
const SETTLE_MS = 150;

/**
 * Hands the terminal to the pager and takes it back. While the pager runs, Ink's frames
 * (the drill goes on, the clock ticks) are dropped rather than drawn over the pager, the
 * TUI stops reading keys (they are the pager's), and the terminal is in cooked mode as a
 * pager expects. Afterwards the screen is cleared; the App's next frame redraws all of it.
 */
export function terminalPager(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
  color: boolean,
): PageFile {
  return async (file) => {
    const raw = stdin.isTTY && stdin.isRaw;
    const resumeReading = stopReading(stdin);
    if (raw) stdin.setRawMode(false);
    const write = stdout.write;
    stdout.write = (() => true) as typeof stdout.write;
    try {
      return await runPager(file, pagerCommand(env, color), env);
    } finally {
      // Keys first: one typed right after quitting the pager is the TUI's, not echoed and lost.
      if (raw) stdin.setRawMode(true);
      resumeReading();
      // Let a frame Ink throttled while the pager ran be dropped too, not land on the new screen.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      stdout.write = write;
      stdout.write('\u001b[2J\u001b[H');
    }
  };
}
