import { Box, Text } from 'ink';
import { allLines, type LineBuffer } from './state/line-buffer.js';
import { usePalette } from './use-palette.js';

/** The last few stray stderr/console lines caught while the TUI was on screen. */
export function Messages({ buffer, height }: { buffer: LineBuffer; height: number }) {
  const palette = usePalette();
  const lines = allLines(buffer).slice(-height);
  if (lines.length === 0) return null;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a window over a moving tail
        <Text key={i} color={palette.warn} dimColor wrap="truncate-end">
          ! {line.text}
        </Text>
      ))}
    </Box>
  );
}
