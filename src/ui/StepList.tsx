import { Box, Text } from 'ink';
import { icons, stepDuration } from './format.js';
import type { StepView } from './state/run-state.js';
import { usePalette } from './use-palette.js';

interface Props {
  steps: readonly StepView[];
  /** The step whose output is shown (selected or live). */
  focused?: string;
  now: number;
  /** Rows this list may use; longer lists scroll around the focused step. */
  height: number;
}

/**
 * One row per step, in the order they run. The list stays a bounded window (not <Static>)
 * because rows change after they finish: j/k highlights a finished step to show its output.
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
  // Main steps carry their number (`3/11`, as validate, plan and headless count them) in a
  // column of one width; other rows leave it blank and say what they are by name.
  const tagWidth = Math.max(0, ...steps.map((s) => (s.phase === 'main' ? (s.tag?.length ?? 0) : 0)));
  return (
    <Box flexDirection="column">
      {start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
      {shown.map((step) => (
        <StepRow key={step.id} step={step} focused={step.id === focused} now={now} tagWidth={tagWidth} />
      ))}
      {below > 0 ? <Text dimColor> ↓ {below} more</Text> : null}
    </Box>
  );
}

/** Rows outside the main steps say where they belong; undo rows are named "Undo: …" already. */
const phaseLabel: Record<StepView['phase'], string> = {
  main: '',
  undo: '',
  finally: 'finally: ',
  // Their names already say "Steady state (before): …".
  'steady-state-before': '',
  'steady-state-after': '',
};

function StepRow({
  step,
  focused,
  now,
  tagWidth,
}: {
  step: StepView;
  focused: boolean;
  now: number;
  tagWidth: number;
}) {
  const palette = usePalette();
  const { icon, role, dim } = icons[step.status];
  const duration = stepDuration(step, now);
  const retries = step.attempt > 1 ? `  ↻${step.attempt - 1}` : '';
  // Members of a parallel group sit under their group's row.
  const indent = step.group === undefined ? '' : '  ';
  return (
    // Only the name gives way in a narrow window; the marker, icon and duration keep their width
    // (a squeezed Text wraps, making the row taller than the list's budget).
    <Box>
      <Box flexShrink={0}>
        <Text color={focused ? palette.accent : undefined}>{focused ? '›' : ' '} </Text>
        {tagWidth > 0 ? (
          <Text dimColor>{(step.phase === 'main' ? (step.tag ?? '') : '').padStart(tagWidth)} </Text>
        ) : null}
        <Text>{indent}</Text>
        <Text color={role ? palette[role] : undefined} dimColor={dim === true}>
          {icon}{' '}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} minWidth={0}>
        <Text wrap="truncate-end" bold={focused} dimColor={step.status === 'pending'}>
          {phaseLabel[step.phase]}
          {step.name}
          {step.tolerated ? ' (tolerated)' : ''}
          {step.undone ? ' (undone)' : ''}
          {step.background && step.status === 'running' ? ' (running in the background)' : ''}
          {step.decision?.startsWith('skipped') ? ' (skipped at its gate)' : ''}
          {step.status === 'failed' && step.reason ? <Text color={palette.bad}> — {step.reason}</Text> : null}
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
