import { Box, Text } from 'ink';
import { allLines, type LineBuffer } from './state/line-buffer.js';
import type { StepView } from './state/run-state.js';

interface Props {
  step?: StepView;
  buffer?: LineBuffer;
  /** True when the person picked this step with j/k rather than following the live one. */
  pinned: boolean;
  height: number;
}

const streamColor = { stdout: undefined, stderr: 'red', info: 'cyan' } as const;

/** The last `height` lines of one step's output, one terminal row each. */
export function OutputPane({ step, buffer, pinned, height }: Props) {
  const lines = buffer ? allLines(buffer) : [];
  const tail = lines.slice(-Math.max(1, height));
  const hidden = lines.length - tail.length + (buffer?.dropped ?? 0);
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderLeft={false}
      borderRight={false}
      borderBottom={false}
    >
      <Text dimColor wrap="truncate-end">
        {step ? `output · ${step.name}` : 'output'}
        {pinned ? ' (selected · Esc follows the live step)' : ''}
        {hidden > 0 ? ` · ${hidden} earlier lines` : ''}
      </Text>
      {tail.length === 0 ? (
        <Text dimColor>{step ? '(no output yet)' : '(waiting for the first step)'}</Text>
      ) : null}
      {tail.map((line, i) => (
        // Index keys are right here: the pane is a window over a moving tail.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Text key={i} color={streamColor[line.stream]} wrap="truncate-end">
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  );
}
