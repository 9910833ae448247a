import { Box, Text } from 'ink';
import type { HostCell } from './state/run-state.js';
import { usePalette } from './use-palette.js';

/** A step with more hosts than this gets the grid; smaller ones read fine as output labels. */
export const GRID_FROM_HOSTS = 11;
/** Rows of cells at most: a fleet larger than that shows its counts and the first hosts. */
const MAX_CELL_ROWS = 3;

const ICON: Record<HostCell['state'], string> = { started: '▶', passed: '✔', failed: '✘', skipped: '↷' };

/** Rows the grid takes for these hosts at this width (0: no grid). */
export function hostGridRows(cells: readonly HostCell[] | undefined, columns: number): number {
  if (!cells || cells.length < GRID_FROM_HOSTS) return 0;
  return 1 + Math.min(MAX_CELL_ROWS, Math.ceil(cells.length / cellsPerRow(columns)));
}

const cellsPerRow = (columns: number) => Math.max(10, columns - 1);

/**
 * One cell per host of a fan-out, coloured by state (icons tell them apart without colour),
 * under a line of counts. Hosts appear (▶, result not known yet) as they start printing; at
 * the step's end every host has its result, those never started as ↷.
 */
export function HostGrid({ cells, columns }: { cells: readonly HostCell[]; columns: number }) {
  const palette = usePalette();
  const color = { started: palette.accent, passed: palette.good, failed: palette.bad, skipped: palette.warn };
  const perRow = cellsPerRow(columns);
  const shown = cells.slice(0, perRow * MAX_CELL_ROWS);
  const rows = Array.from({ length: Math.ceil(shown.length / perRow) }, (_, i) =>
    shown.slice(i * perRow, (i + 1) * perRow),
  );
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {countsLine(cells)}
        {shown.length < cells.length ? ` (first ${shown.length} shown)` : ''}
      </Text>
      {rows.map((row) => (
        <Text key={row[0]?.label} wrap="truncate-end">
          {row.map((cell) => (
            <Text key={cell.label} color={color[cell.state]}>
              {ICON[cell.state]}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

/** `hosts 100: ✔ 57 passed · ✘ 3 failed · ↷ 40 not started`, only the states present. */
export function countsLine(cells: readonly HostCell[]): string {
  const words = { started: 'started', passed: 'passed', failed: 'failed', skipped: 'not started' };
  const states = (['started', 'passed', 'failed', 'skipped'] as const)
    .map((s) => [s, cells.filter((c) => c.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${ICON[s]} ${n} ${words[s]}`);
  return `hosts ${cells.length}: ${states.join(' · ')}`;
}
