import { Box, Text } from 'ink';
import { formatClock } from './format.js';
import { countSteps, type RunState } from './state/run-state.js';

/** Title, elapsed clock, counts; and one line for an abort or a tripped stop condition. */
export function Header({ run, now }: { run: RunState; now: number }) {
  const counts = countSteps(run);
  const elapsed = run.startedAt === undefined ? 0 : (run.end?.time ?? now) - run.startedAt;
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexGrow={1} flexShrink={1}>
          <Text bold wrap="truncate-end">
            drillbook · {run.title}
          </Text>
        </Box>
        <Text>
          {'  '}
          {formatClock(elapsed)}
          {'  '}
          <Text color="green">✔ {counts.passed} passed</Text>
          {'  '}
          <Text color={counts.failed > 0 ? 'red' : undefined}>✘ {counts.failed} failed</Text>
          {counts.skipped > 0 ? `  ↷ ${counts.skipped} skipped` : ''}
          {'  '}○ {counts.remaining} remaining
        </Text>
      </Box>
      {run.aborting && !run.end ? (
        <Text color="yellow" wrap="truncate-end">
          Aborting ({run.aborting}): remaining steps are skipped; rollback and finally run (Ctrl-C again stops
          them)
        </Text>
      ) : null}
      {run.stopReason ? (
        <Text color="red" wrap="truncate-end">
          Stop condition tripped: {run.stopReason}
        </Text>
      ) : null}
    </Box>
  );
}
