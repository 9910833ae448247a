import { Box, Text } from 'ink';
import { formatDuration, icons } from './format.js';
import type { StepView } from './state/run-state.js';

interface Props {
  steps: readonly StepView[];
  /** The step whose output is shown (selected or live). */
  focused?: string;
  now: number;
  /** Rows this list may use; longer lists scroll around the focused step. */
  height: number;
}

/**
 * One row per step. The list stays a bounded window (not <Static>) because rows change
 * after they finish: j/k highlights a finished step to show its output.
 */
export function StepList({ steps, focused, now, height }: Props) {
  const rows = Math.max(3, height);
  let start = 0;
  let shown = steps;
  if (steps.length > rows) {
    const slots = rows - 2; // one row each for the "more" markers
    const at = Math.max(
      0,
      steps.findIndex((s) => s.id === focused),
    );
    start = Math.min(Math.max(0, at - Math.floor(slots / 2)), steps.length - slots);
    shown = steps.slice(start, start + slots);
  }
  const below = steps.length - (start + shown.length);
  return (
    <Box flexDirection="column">
      {start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
      {shown.map((step) => (
        <StepRow key={step.id} step={step} focused={step.id === focused} now={now} />
      ))}
      {below > 0 ? <Text dimColor> ↓ {below} more</Text> : null}
    </Box>
  );
}

function StepRow({ step, focused, now }: { step: StepView; focused: boolean; now: number }) {
  const { icon, color } = icons[step.status];
  const live = step.status === 'running' || step.status === 'waiting' || step.status === 'retrying';
  const duration =
    step.durationMs !== undefined
      ? formatDuration(step.durationMs)
      : live && step.startedAt !== undefined
        ? formatDuration(now - step.startedAt)
        : '';
  const retries = step.attempt > 1 ? `  ↻${step.attempt - 1}` : '';
  const phase = step.phase === 'main' ? '' : `${step.phase}: `;
  return (
    // Only the name gives way in a narrow window; the marker, icon and duration keep their width
    // (a squeezed Text wraps, making the row taller than the list's budget).
    <Box>
      <Box flexShrink={0}>
        <Text color={focused ? 'cyan' : undefined}>{focused ? '›' : ' '} </Text>
        <Text color={color}>{icon} </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} minWidth={0}>
        <Text wrap="truncate-end" bold={focused} dimColor={step.status === 'pending'}>
          {phase}
          {step.name}
          {step.tolerated ? ' (tolerated)' : ''}
          {step.undone ? ' (undone)' : ''}
          {step.status === 'failed' && step.reason ? <Text color="red"> — {step.reason}</Text> : null}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor>
          {retries}
          {duration ? `  ${duration}` : ''}
        </Text>
      </Box>
    </Box>
  );
}
