import type { Gate } from '../engine/gate.js';
import { terminalSafe } from '../report/terminal-safe.js';

/**
 * `gate` with the text it puts on screen made terminal-safe: a gate message, step name,
 * command or failure reason quoting a value must not drive the terminal. The phrase stays as
 * written: it is what the person has to type, and the engine compares it.
 */
export function terminalSafeGate(gate: Gate): Gate {
  return {
    ...(gate.interactive === undefined ? {} : { interactive: gate.interactive }),
    confirm: (request, signal) =>
      gate.confirm(
        {
          ...request,
          stepName: terminalSafe(request.stepName),
          message: terminalSafe(request.message),
          summary: terminalSafe(request.summary),
          ...(request.description === undefined ? {} : { description: terminalSafe(request.description) }),
        },
        signal,
      ),
    failed: (request, signal) =>
      gate.failed(
        { ...request, stepName: terminalSafe(request.stepName), reason: terminalSafe(request.reason) },
        signal,
      ),
  };
}
