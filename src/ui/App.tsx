import { Box, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { GatePrompt } from './GatePrompt.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { Messages } from './Messages.js';
import { OutputPane } from './OutputPane.js';
import { StepList } from './StepList.js';
import { Summary } from './Summary.js';
import type { TuiSession } from './session.js';
import { useKeys } from './use-keys.js';
import { useNow } from './use-now.js';
import { useTerminalSize } from './use-terminal-size.js';

/**
 * The whole screen. Its height is budgeted from the terminal's rows so the live frame never
 * exceeds the window: a frame taller than the terminal makes Ink clear and redraw it all.
 */
export function App({ session }: { session: TuiSession }) {
  const run = useSyncExternalStore(session.store.subscribe, session.store.getSnapshot);
  const prompt = useSyncExternalStore(session.gate.subscribe, session.gate.pending);
  const view = useKeys(session);
  const now = useNow(run.end === undefined);
  const { rows, columns } = useTerminalSize();

  const focusedId = view.selected ?? run.current;
  const focused = run.steps.find((s) => s.id === focusedId);
  const messageRows = Math.min(3, run.messages.lines.length + Object.keys(run.messages.partial).length);
  const headerRows = 1 + (run.aborting && !run.end ? 1 : 0) + (run.stopReason ? 1 : 0);
  const bottomRows = run.end
    ? 5 + (run.reportPaths?.length ?? 0)
    : prompt
      ? prompt.kind === 'confirm' && prompt.request.phrase !== undefined
        ? 10
        : 7
      : 1;
  const free = Math.max(6, rows - 1 - headerRows - messageRows - bottomRows - (view.askingAbort ? 1 : 0));
  // Help takes the output pane's place and most of the list's: it is taller than a short pane.
  const listRows = Math.min(run.steps.length, view.help ? 3 : Math.max(3, Math.floor(free * 0.4)));
  const outputRows = Math.max(2, free - listRows - 2);
  const helpContext =
    prompt?.kind === 'failed'
      ? 'failed'
      : prompt?.kind === 'confirm'
        ? prompt.request.phrase === undefined
          ? 'confirm'
          : 'phrase'
        : undefined;

  return (
    <Box flexDirection="column">
      <Header run={run} now={now} columns={columns} />
      <StepList steps={run.steps} focused={focusedId} now={now} height={listRows} />
      {view.help ? (
        <Help height={free - listRows} context={helpContext} />
      ) : (
        <OutputPane
          step={focused}
          buffer={focusedId === undefined ? undefined : run.output[focusedId]}
          pinned={view.selected !== undefined && view.selected !== run.current}
          height={outputRows}
        />
      )}
      <Messages buffer={run.messages} height={messageRows} />
      {prompt && !run.end ? <GatePrompt prompt={prompt} view={view} /> : null}
      {view.askingAbort ? (
        <Text color="yellow" bold>
          Abort drill? finally steps will run. y/n
        </Text>
      ) : null}
      {run.end ? (
        <Summary run={run} />
      ) : prompt ? null : (
        <Text dimColor wrap="truncate-end">
          j/k select a step · ? help · q abort
        </Text>
      )}
    </Box>
  );
}
