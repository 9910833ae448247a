import { Box, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { GatePrompt } from './GatePrompt.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { HostGrid, hostGridRows } from './HostGrid.js';
import { layout } from './layout.js';
import { Messages } from './Messages.js';
import { OutputPane } from './OutputPane.js';
import { colourPalette, noColourPalette } from './palette.js';
import { StepList } from './StepList.js';
import { Summary } from './Summary.js';
import type { TuiSession } from './session.js';
import { useKeys } from './use-keys.js';
import { useNow } from './use-now.js';
import { PaletteContext } from './use-palette.js';
import { useTerminalSize } from './use-terminal-size.js';

/**
 * The whole screen. Its height is budgeted from the terminal's rows so the live frame fills
 * the window but never exceeds it: a frame taller than the terminal makes Ink clear and
 * redraw it all.
 */
export function App({ session }: { session: TuiSession }) {
  const run = useSyncExternalStore(session.store.subscribe, session.store.getSnapshot);
  const prompt = useSyncExternalStore(session.gate.subscribe, session.gate.pending);
  const { rows, columns } = useTerminalSize();
  const palette = session.color ? colourPalette : noColourPalette;
  // Keys need the pane height (one PgUp/PgDn); it is known only after layout, hence a getter.
  const [view, paneRowsRef] = useKeys(session);
  const now = useNow(run.end === undefined);
  const paging = useSyncExternalStore(session.paging.subscribe, session.paging.current);

  const focusedId = view.selected ?? run.current;
  const focused = run.steps.find((s) => s.id === focusedId);
  const size = layout({ run, prompt, view, rows });
  // A large fan-out's host grid sits above the output pane, in rows taken from it.
  const gridRows = Math.min(hostGridRows(focused?.hosts, columns), Math.max(0, size.outputRows - 2));
  const outputRows = Math.max(2, size.outputRows - gridRows);
  paneRowsRef.current = outputRows;
  const helpContext =
    prompt?.kind === 'failed'
      ? 'failed'
      : prompt?.kind === 'confirm'
        ? prompt.request.phrase === undefined
          ? 'confirm'
          : 'phrase'
        : undefined;

  if (paging !== undefined) return <Text>Output of {paging} is open in the pager.</Text>;
  return (
    <PaletteContext.Provider value={palette}>
      <Box flexDirection="column">
        <Header run={run} now={now} columns={columns} />
        <StepList steps={run.steps} focused={focusedId} now={now} height={size.listRows} />
        {view.help ? (
          <Help height={size.free - size.listRows} context={helpContext} />
        ) : (
          <>
            {gridRows > 0 && focused?.hosts ? <HostGrid cells={focused.hosts} columns={columns} /> : null}
            <OutputPane
              step={focused}
              buffer={focusedId === undefined ? undefined : run.output[focusedId]}
              pinned={view.selected !== undefined && view.selected !== run.current}
              height={outputRows}
              view={view.output}
              palette={palette}
            />
          </>
        )}
        <Messages buffer={run.messages} height={size.messageRows} />
        {prompt && !run.end ? <GatePrompt prompt={prompt} view={view} /> : null}
        {view.askingAbort ? (
          <Text color={palette.warn} bold>
            Abort drill? finally steps will run. y/n
          </Text>
        ) : null}
        {run.end ? (
          <Summary run={run} />
        ) : prompt ? null : (
          <Text dimColor wrap="truncate-end">
            j/k step · PgUp/PgDn g/G scroll · / search n/N · ? help · q abort
          </Text>
        )}
      </Box>
    </PaletteContext.Provider>
  );
}
