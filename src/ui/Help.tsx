import { Box, Text } from 'ink';

/** The question on screen, which decides which keys matter most. */
export type HelpContext = 'confirm' | 'phrase' | 'failed' | undefined;

interface KeyHelp {
  key: string;
  what: string;
  /** Prompts this key answers; always relevant when absent. */
  for?: readonly HelpContext[];
}

const keys: KeyHelp[] = [
  { key: 'a / Enter', what: 'approve the gate', for: ['confirm'] },
  { key: 's', what: 'skip the step at the gate', for: ['confirm', 'phrase'] },
  { key: '(phrase)', what: 'type the phrase exactly, then Enter; Esc to use s/q', for: ['phrase'] },
  { key: 'r', what: 'retry a failed step', for: ['failed'] },
  { key: 'c', what: 'accept the failure: roll back and run finally', for: ['failed'] },
  { key: 'i', what: 'ignore the failure and go on (as continue_on_error)', for: ['failed'] },
  { key: 'j / k, ↓ / ↑', what: 'select a step to view its output' },
  { key: 'Esc', what: 'follow the live step again' },
  { key: 'PgUp / PgDn', what: 'scroll the output a page' },
  { key: 'g / G', what: 'first kept line of the output / follow its tail' },
  { key: '/  n / N', what: 'search the output; next / previous hit' },
  { key: 'o', what: "the step's whole output in $PAGER (less); q there comes back" },
  { key: 'q', what: 'abort the drill (asks first; finally steps still run)' },
  { key: 'Ctrl-C', what: 'abort at once (finally steps still run)' },
  { key: '?', what: 'close this help' },
];

/**
 * The key list, at most `height` rows including its border. In a short window the keys for
 * the question on screen (and `?` to close) are kept and the others left out, so the frame
 * never grows past the terminal (Ink would then clear the screen and its scrollback on
 * every frame).
 */
export function Help({ height, context }: { height: number; context: HelpContext }) {
  const room = Math.max(1, height - 3);
  const relevant = (k: KeyHelp) => k.for === undefined || k.for.includes(context);
  const close = keys[keys.length - 1] as KeyHelp;
  const ranked = [
    close,
    ...keys.filter((k) => k !== close && relevant(k)),
    ...keys.filter((k) => !relevant(k)),
  ];
  const kept = new Set(ranked.slice(0, room));
  const left = keys.length - kept.size;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate-end">
        Keys{left > 0 ? ` (${left} more in a taller window)` : ''}
      </Text>
      {keys
        .filter((k) => kept.has(k))
        .map(({ key, what }) => (
          <Text key={key} wrap="truncate-end">
            <Text bold>{key.padEnd(14)}</Text>
            {what}
          </Text>
        ))}
    </Box>
  );
}
