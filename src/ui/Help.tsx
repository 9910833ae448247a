import { Box, Text } from 'ink';

const keys: [string, string][] = [
  ['a / Enter', 'approve the gate'],
  ['s', 'skip the step at the gate'],
  ['(phrase)', 'type the phrase exactly, then Enter; Esc to use s/q'],
  ['r', 'retry a failed step'],
  ['c / Enter', 'continue after a failure (the step stays failed)'],
  ['j / k, ↓ / ↑', 'select a step to view its output'],
  ['Esc', 'follow the live step again'],
  ['q', 'abort the drill (asks first; finally steps still run)'],
  ['Ctrl-C', 'abort at once (finally steps still run)'],
  ['?', 'close this help'],
];

export function Help() {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {keys.map(([k, what]) => (
        <Text key={k} wrap="truncate-end">
          <Text bold>{k.padEnd(14)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
