import { Box, Text } from 'ink';
import { formatDuration } from '../runbook/duration.js';
import { MeasureLines } from './MeasureLines.js';
import { countSteps, describeApart, type RunState } from './state/run-state.js';
import { verdictNotes } from './state/verdict-notes.js';
import { usePalette } from './use-palette.js';

const statusRole = { passed: 'good', failed: 'bad', aborted: 'warn', interrupted: 'warn' } as const;

/** The last frame left on screen: outcome, counts, exit code and where the reports are. */
export function Summary({ run }: { run: RunState }) {
  const palette = usePalette();
  const end = run.end;
  if (!end) return null;
  const c = countSteps(run);
  const took = run.startedAt === undefined ? '' : ` in ${formatDuration(end.time - run.startedAt)}`;
  const notes = verdictNotes(run);
  // Passed, but with something a person must see: yellow, not green.
  const color = palette[notes && notes.headline !== end.status ? 'warn' : statusRole[end.status]];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      <Text bold color={color}>
        Drill {notes?.headline ?? end.status}
        {took} · {c.passed} passed, {c.failed} failed, {c.skipped} skipped · exit {end.exitCode}
      </Text>
      {describeApart(run) ? <Text dimColor>{describeApart(run)}</Text> : null}
      {end.reason ? <Text wrap="truncate-end">{end.reason}</Text> : null}
      {notes?.tolerated.map((s) => (
        <Text key={`t:${s.id}`} color={palette.warn} wrap="truncate-end">
          tolerated failure: {s.name}
          {s.reason ? `: ${s.reason}` : ''}
        </Text>
      ))}
      {notes?.skippedGates.map((s) => (
        <Text key={`s:${s.id}`} color={palette.warn} wrap="truncate-end">
          skipped at its gate, never ran: {s.name}
        </Text>
      ))}
      <MeasureLines measures={run.measures} />
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
      {run.reportError ? <Text color={palette.bad}>Reports not written: {run.reportError}</Text> : null}
    </Box>
  );
}
