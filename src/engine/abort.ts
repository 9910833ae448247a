/**
 * Why a step or the drill was stopped. AbortSignal.reason carries one of these strings so
 * actions and reports can say why without knowing who aborted.
 */
export type StopReason =
  | 'SIGINT'
  | 'SIGTERM'
  | 'SIGHUP'
  | 'user'
  | `stop condition: ${string}`
  | `timed out after ${string}`;

/** A controller that aborts when any parent signal aborts, with the parent's reason. */
export function linkedController(...parents: (AbortSignal | undefined)[]): {
  controller: AbortController;
  dispose(): void;
} {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener('abort', onAbort));
  }
  return {
    controller,
    dispose: () => {
      for (const cleanup of cleanups) cleanup();
    },
  };
}

export function reasonText(signal: AbortSignal): string {
  const r = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error) return r.message;
  return 'aborted';
}

export function exitCodeFor(reason: string | undefined): number {
  if (reason === 'SIGINT') return 130;
  if (reason === 'SIGTERM') return 143;
  // The terminal or SSH session that started the drill hung up: rollback and finally still run.
  if (reason === 'SIGHUP') return 129;
  return 1;
}
