import { Text } from 'ink';
import { type MeasureResult, measureFailed } from '../engine/measure-result.js';
import { measureValueText, missingEvents, objectiveText, verdictText } from '../engine/measure-text.js';
import { usePalette } from './use-palette.js';

/** The end screen's measures: "failover  4m12s ± 5s  max 5m  met", one line each. */
export function MeasureLines({ measures }: { measures: readonly MeasureResult[] | undefined }) {
  const palette = usePalette();
  if (!measures || measures.length === 0) return null;
  const width = Math.max(...measures.map((m) => m.name.length));
  const valueWidth = Math.max(...measures.map((m) => measureValueText(m).length));
  return (
    <>
      <Text>Measures:</Text>
      {measures.map((m) => {
        const color = measureFailed(m) ? palette.bad : m.verdict === 'met' ? palette.good : undefined;
        const objective = m.maxMs === null ? '' : `  ${objectiveText(m)}`;
        const why = m.valueMs === null ? ` (${missingEvents(m)})` : '';
        return (
          // Names are unique in a runbook (validate refuses duplicates).
          <Text key={m.name} wrap="truncate-end">
            {'  '}
            {m.name.padEnd(width)} {measureValueText(m).padEnd(valueWidth)}
            {objective} <Text color={color}>{verdictText(m)}</Text>
            {why}
          </Text>
        );
      })}
    </>
  );
}
