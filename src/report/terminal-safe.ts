import type { EngineEvent } from '../engine/events.js';
import { escapeUnsafe } from '../runbook/escape.js';

/**
 * Text a runbook or a value supplied, made safe to print at a terminal: every control,
 * bidirectional and invisible character becomes a visible escape (`\u001B`, `\u202E`), line
 * by line, so the console's own line breaks stay. A title, a step name or a failure reason
 * that quotes a `--var` can then neither move the cursor, clear the screen, set the window
 * title nor reorder what a reader sees. Step output is not passed through here: the console
 * strips escapes from it itself (or keeps a command's colours, by the user's choice).
 */
export function terminalSafe(text: string): string {
  return text.split('\n').map(escapeUnsafe).join('\n');
}

/** A copy of `event` whose descriptive text is terminal-safe; a command's output is left as it is. */
export function terminalSafeEvent(event: EngineEvent): EngineEvent {
  switch (event.type) {
    case 'run-start':
      return {
        ...event,
        runbook: {
          ...event.runbook,
          title: terminalSafe(event.runbook.title),
          name: terminalSafe(event.runbook.name),
        },
        plan: event.plan.map((p) => ({ ...p, name: terminalSafe(p.name) })),
      };
    case 'step-start':
      return {
        ...event,
        name: terminalSafe(event.name),
        summary: terminalSafe(event.summary),
        ...(event.description === undefined ? {} : { description: terminalSafe(event.description) }),
      };
    case 'output':
      // drillbook's own lines (`GET <url> -> ...`) quote values; a command's output is its own.
      return event.stream === 'info' ? { ...event, text: terminalSafe(event.text) } : event;
    case 'gate-request':
      return { ...event, message: terminalSafe(event.message) };
    case 'gate-decision':
      return { ...event, note: terminalSafe(event.note) };
    case 'step-retry':
      return { ...event, reason: terminalSafe(event.reason) };
    case 'step-end':
      return {
        ...event,
        name: terminalSafe(event.name),
        ...(event.reason === undefined ? {} : { reason: terminalSafe(event.reason) }),
        ...(event.parts === undefined
          ? {}
          : {
              parts: event.parts.map((p) => ({
                ...p,
                label: terminalSafe(p.label),
                ...(p.reason === undefined ? {} : { reason: terminalSafe(p.reason) }),
              })),
            }),
      };
    case 'step-undone':
      return { ...event, name: terminalSafe(event.name) };
    case 'stop-tripped':
      return { ...event, reason: terminalSafe(event.reason) };
    case 'step-observed':
      return event;
    case 'measures':
      return {
        ...event,
        measures: event.measures.map((m) => ({
          ...m,
          name: terminalSafe(m.name),
          from: terminalSafe(m.from),
          to: terminalSafe(m.to),
        })),
      };
    case 'run-end':
      return event.reason === undefined ? event : { ...event, reason: terminalSafe(event.reason) };
  }
}
