import { Box, Text } from 'ink';
import type { Palette } from './palette.js';
import { allLines, type Line, type LineBuffer } from './state/line-buffer.js';
import { matchLines, type OutputView, windowTop } from './state/output-view.js';
import type { StepView } from './state/run-state.js';

interface Props {
  step?: StepView;
  buffer?: LineBuffer;
  /** True when the person picked this step with j/k rather than following the live one. */
  pinned: boolean;
  /** Rows for the lines (the title row and the search field are extra). */
  height: number;
  view: OutputView;
  palette: Palette;
}

/**
 * A window of `height` lines over one step's output, one terminal row each: the tail while
 * following, or where PgUp/PgDn, g/G and n/N parked it. Search hits are shown inverse.
 */
export function OutputPane({ step, buffer, pinned, height, view, palette }: Props) {
  const lines = buffer ? allLines(buffer) : [];
  const rows = Math.max(1, height);
  const top = windowTop(view, lines.length, rows);
  const shown = lines.slice(top, top + rows);
  const below = lines.length - top - shown.length;
  const earlier = top + (buffer?.dropped ?? 0);
  const streamColor = { stdout: undefined, stderr: palette.bad, info: palette.accent } as const;
  return (
    <Box
      flexDirection="column"
      // The pane keeps its height while output is short: the frame fills the terminal.
      height={rows + 2 + (view.typing === undefined ? 0 : 1)}
      borderStyle="single"
      borderLeft={false}
      borderRight={false}
      borderBottom={false}
    >
      <Text dimColor wrap="truncate-end">
        {step ? `output · ${step.name}` : 'output'}
        {searchStatus(view, lines)}
        {position(earlier, shown.length, lines.length + (buffer?.dropped ?? 0), below)}
        {pinned ? ' · Esc: live step' : ''}
        {buffer?.dropped ? ` · first ${buffer.dropped} not kept` : ''}
      </Text>
      {shown.length === 0 ? (
        <Text dimColor>{step ? '(no output yet)' : '(waiting for the first step)'}</Text>
      ) : null}
      {shown.map((line, i) => (
        // Index keys are right here: the pane is a window over moving lines.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Text key={i} color={streamColor[line.stream]} wrap="truncate-end">
          {highlight(line, view.query, top + i === view.match)}
        </Text>
      ))}
      {view.typing === undefined ? null : (
        <Text wrap="truncate-end">
          /{view.typing}
          <Text inverse> </Text>
          <Text dimColor> Enter search · Esc cancel</Text>
        </Text>
      )}
    </Box>
  );
}

/** `lines 9-19 of 300` once there is more than one screen; `G follows` when parked. */
function position(first: number, shown: number, total: number, below: number): string {
  if (total <= shown) return '';
  return ` · lines ${first + 1}-${first + shown} of ${total}${below > 0 ? ' (G follows)' : ''}`;
}

function searchStatus(view: OutputView, lines: readonly Line[]): string {
  if (view.query === undefined) return '';
  const hits = matchLines(lines, view.query);
  if (hits.length === 0) return ` · /${view.query}: no match`;
  const at = view.match === undefined ? 0 : hits.indexOf(view.match) + 1;
  return ` · /${view.query} ${at}/${hits.length} (n/N)`;
}

/** The line with each hit of `query` inverse; the current hit's line also bold. */
function highlight(line: Line, query: string | undefined, current: boolean) {
  const text = line.text === '' ? ' ' : line.text;
  if (!query) return text;
  const exact = query !== query.toLowerCase();
  const hay = exact ? text : text.toLowerCase();
  const needle = exact ? query : query.toLowerCase();
  const parts: (string | { hit: string })[] = [];
  let from = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) {
    parts.push(text.slice(from, at), { hit: text.slice(at, at + needle.length) });
    from = at + needle.length;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(from));
  return parts.map((p, i) =>
    typeof p === 'string' ? (
      p
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: parts of one line never reorder
      <Text key={i} inverse bold={current}>
        {p.hit}
      </Text>
    ),
  );
}
