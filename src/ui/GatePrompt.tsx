import { Box, Text } from 'ink';
import type { ViewState } from './state/view-state.js';
import type { Prompt } from './tui-gate.js';
import { usePalette } from './use-palette.js';

/** The question the engine is waiting on, with exactly what approving will do. */
export function GatePrompt({ prompt, view }: { prompt: Prompt; view: ViewState }) {
  const palette = usePalette();
  if (prompt.kind === 'failed') {
    const r = prompt.request;
    return (
      <Box flexDirection="column" borderStyle="round" borderColor={palette.bad} paddingX={1}>
        <Text bold color={palette.bad} wrap="truncate-end">
          ✘ {r.stepName} failed after {r.attempts} attempt{r.attempts === 1 ? '' : 's'}
        </Text>
        <Text wrap="truncate-end">{r.reason}</Text>
        {/* Two short lines, so a 60-column window still shows every choice. */}
        <Text dimColor wrap="truncate-end">
          r retry · i ignore and go on (as continue_on_error)
        </Text>
        <Text dimColor wrap="truncate-end">
          c accept the failure: roll back, run finally · q abort · ? help
        </Text>
      </Box>
    );
  }
  const r = prompt.request;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={palette.warn} paddingX={1}>
      <Text bold color={palette.warn} wrap="truncate-end">
        ? {r.stepName}
      </Text>
      <Text wrap="truncate-end">{r.message}</Text>
      {r.description ? (
        <Text dimColor wrap="truncate-end">
          {r.description.split('\n').slice(0, 2).join(' ')}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        will run: <Text bold>{r.summary}</Text>
      </Text>
      {r.phrase === undefined ? (
        <Text dimColor>a/Enter approve · s skip · q abort · ? help</Text>
      ) : (
        <PhraseInput phrase={r.phrase} view={view} />
      )}
    </Box>
  );
}

function PhraseInput({ phrase, view }: { phrase: string; view: ViewState }) {
  const palette = usePalette();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        Type <Text bold>{phrase}</Text> and press Enter to approve:
      </Text>
      <Text wrap="truncate-end">
        {'> '}
        {view.phrase}
        {view.phraseKeys ? '' : <Text inverse> </Text>}
      </Text>
      {view.phraseError ? <Text color={palette.bad}>{view.phraseError}</Text> : null}
      <Text dimColor>
        {view.phraseKeys
          ? 's skip · q abort · ? help · a/Enter/Esc back to typing'
          : 'Esc for s skip · q abort · ? help'}
      </Text>
    </Box>
  );
}
