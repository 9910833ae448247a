import { useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TuiSession } from './session.js';
import { splitKeys } from './split-keys.js';
import { handleKey, initialViewState, resetPhrase, type ViewState } from './state/view-state.js';

/**
 * Wires keys to `handleKey` and performs what it decides: answering the gate or aborting.
 * Reads the gate and run state at key time (not from the last render) so fast typing
 * never answers a prompt that is already gone.
 */
export function useKeys(session: TuiSession): [ViewState, { current: number }] {
  const [view, setView] = useState<ViewState>(initialViewState);
  const ref = useRef(view);
  const paneRows = useRef(10);
  const apply = useCallback((next: ViewState) => {
    ref.current = next;
    setView(next);
  }, []);

  // Each new prompt starts with an empty phrase field.
  useEffect(() => {
    let last = session.gate.pending();
    return session.gate.subscribe(() => {
      const now = session.gate.pending();
      if (now !== last) apply(resetPhrase(ref.current));
      last = now;
    });
  }, [session, apply]);

  useInput((chunk, pressed) => {
    // Keys that arrived together are handled one by one, each against the prompt of its moment.
    for (const { input, key } of splitKeys(chunk, pressed)) {
      const prompt = session.gate.pending();
      const result = handleKey(
        ref.current,
        session.store.getSnapshot(),
        prompt,
        input,
        key,
        paneRows.current,
      );
      if (result.view !== ref.current) apply(result.view);
      for (const effect of result.effects) {
        if (effect.type === 'abort') session.abort(effect.reason);
        else if (effect.type === 'confirm' && prompt?.kind === 'confirm') prompt.answer(effect.decision);
        else if (effect.type === 'failed' && prompt?.kind === 'failed') prompt.answer(effect.decision);
        else if (effect.type === 'page') void session.openOutput(effect.stepId);
      }
    }
  });
  return [view, paneRows];
}
