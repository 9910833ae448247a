import { Box, Text } from 'ink';
import { formatDuration } from './format.js';
import { countSteps, type RunState } from './state/run-state.js';

const statusColor = { passed: 'green', failed: 'red', aborted: 'yellow', interrupted: 'yellow' } as const;

/** The last frame left on screen: outcome, counts, exit code and where the reports are. */
export function Summary({ run }: { run: RunState }) {
  const end = run.end;
  if (!end) return null;
  const c = countSteps(run);
  const took = run.startedAt === undefined ? '' : ` in ${formatDuration(end.time - run.startedAt)}`;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={statusColor[end.status]} paddingX={1}>
      <Text bold color={statusColor[end.status]}>
        Drill {end.status}
        {took} · {c.passed} passed, {c.failed} failed, {c.skipped} skipped · exit {end.exitCode}
      </Text>
      {end.reason ? <Text wrap="truncate-end">{end.reason}</Text> : null}
      {run.reportPaths === undefined && run.reportError === undefined ? (
        <Text dimColor>writing reports…</Text>
      ) : null}
      {run.reportPaths && run.reportPaths.length > 0 ? <Text>Reports:</Text> : null}
      {run.reportPaths?.map((path) => (
        <Text key={path} wrap="truncate-middle">
          {'  '}
          {path}
        </Text>
      ))}
      {run.reportError ? <Text color="red">Reports not written: {run.reportError}</Text> : null}
    </Box>
  );
}
