import { Box, Text } from 'ink';
import { formatClock } from './format.js';
import { countSteps, type RunState } from './state/run-state.js';
import { usePalette } from './use-palette.js';

/** Columns the title keeps before the counts switch to their short form. */
const TITLE_MIN = 24;

/**
 * Title, elapsed clock, counts; and one line for an abort or a tripped stop condition. The
 * first line never wraps: the counts keep their place (short form in a narrow window) and
 * the title is cut, so the frame stays the height App budgeted for.
 */
export function Header({ run, now, columns }: { run: RunState; now: number; columns: number }) {
  const palette = usePalette();
  const counts = countSteps(run);
  const elapsed = run.startedAt === undefined ? 0 : (run.end?.time ?? now) - run.startedAt;
  const skipped = counts.skipped > 0;
  const long = `  ${formatClock(elapsed)}  ✔ ${counts.passed} passed  ✘ ${counts.failed} failed${skipped ? `  ↷ ${counts.skipped} skipped` : ''}  ○ ${counts.remaining} remaining`;
  const short = columns - long.length < TITLE_MIN;
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexGrow={1} flexShrink={1} minWidth={0}>
          <Text bold wrap="truncate-end">
            drillbook · {run.title}
          </Text>
        </Box>
        <Box flexShrink={0}>
          {short ? (
            <Text>
              {'  '}
              {formatClock(elapsed)} <Text color={palette.good}>✔{counts.passed}</Text>{' '}
              <Text color={counts.failed > 0 ? palette.bad : undefined}>✘{counts.failed}</Text>
              {skipped ? ` ↷${counts.skipped}` : ''} ○{counts.remaining}
            </Text>
          ) : (
            <Text>
              {'  '}
              {formatClock(elapsed)}
              {'  '}
              <Text color={palette.good}>✔ {counts.passed} passed</Text>
              {'  '}
              <Text color={counts.failed > 0 ? palette.bad : undefined}>✘ {counts.failed} failed</Text>
              {skipped ? `  ↷ ${counts.skipped} skipped` : ''}
              {'  '}○ {counts.remaining} remaining
            </Text>
          )}
        </Box>
      </Box>
      {run.aborting && !run.end ? (
        <Text color={palette.warn} wrap="truncate-end">
          Aborting ({run.aborting}): remaining steps are skipped; rollback and finally run (Ctrl-C again stops
          them)
        </Text>
      ) : null}
      {run.stopReason ? (
        <Text color={palette.bad} wrap="truncate-end">
          Stop condition tripped: {run.stopReason}
        </Text>
      ) : null}
    </Box>
  );
}
