import { terminalSafe } from '../terminal-safe.js';
import { escapeAttr, escapeText } from '../xml-text.js';

/**
 * Text for the HTML report. Everything in it came from a runbook, a value or a command's
 * output, so all of it is escaped (the same escaper as JUnit: XML-safe is HTML-safe, and the
 * page stays parseable as XHTML). Names and reasons also get control, bidi and invisible
 * characters made visible, as at a terminal, so a step name cannot reorder what a reader sees.
 */
export const text = (value: string): string => escapeText(terminalSafe(value));
export const attr = (value: string): string => escapeAttr(terminalSafe(value));
/** Bidi controls and invisible format characters: they could reorder or hide what a reader sees. */
const BIDI = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Command output: escaped, ANSI stripped (cleanText), otherwise as the command wrote it,
 * except that bidi and invisible characters are shown as `\u202E`.
 */
export const outputText = (value: string): string =>
  escapeText(value.replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`));

/** At most `max` characters, with `…` when cut (by code point, never half a surrogate pair). */
export function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/** The last `max` characters, with `…` in front when cut. */
export function lastChars(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `…${chars.slice(-(max - 1)).join('')}`;
}

export const COLORS = {
  passed: '#2e7d32',
  failed: '#c62828',
  skipped: '#9e9e9e',
  interrupted: '#ef6c00',
  aborted: '#c62828',
  gate: '#f9a825',
  measure: '#1565c0',
  grid: '#e0e0e0',
  ink: '#212121',
  faint: '#757575',
} as const;

export function statusColor(status: string): string {
  return (COLORS as Record<string, string>)[status] ?? COLORS.faint;
}

/** Coordinates rounded to 0.1 px: smaller files, same picture. */
export const px = (n: number): string => String(Math.round(n * 10) / 10);
