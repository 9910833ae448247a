import { formatDuration } from '../runbook/duration.js';
import type { Palette } from './palette.js';
import type { StepState, StepView } from './state/run-state.js';

/** `00:42`, `12:05`, `1:02:03`: the header clock. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Icon and palette role per state; `dim` for states that are not news (pending, skipped). */
export const icons: Record<StepState, { icon: string; role?: keyof Palette; dim?: boolean }> = {
  pending: { icon: '○', dim: true },
  running: { icon: '▶', role: 'accent' },
  waiting: { icon: '?', role: 'warn' },
  retrying: { icon: '↻', role: 'warn' },
  passed: { icon: '✔', role: 'good' },
  failed: { icon: '✘', role: 'bad' },
  skipped: { icon: '↷', dim: true },
  interrupted: { icon: '■', role: 'bad' },
};

/** A step's time: final once it ended (or failed and waits for a decision), live while it runs. */
export function stepDuration(step: StepView, now: number): string {
  const live = step.status === 'running' || step.status === 'waiting' || step.status === 'retrying';
  if (step.durationMs !== undefined) return formatDuration(step.durationMs);
  return live && step.startedAt !== undefined ? formatDuration(now - step.startedAt) : '';
}
