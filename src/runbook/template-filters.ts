import { didYouMean } from './did-you-mean.js';
import { refFor, type ShellContext, shellQuote } from './shell-context.js';
import type { ShellValues } from './shell-values.js';
import { TemplateError, type TemplateRef } from './template-ref.js';

/**
 * Filters after a template's reference: `{{ vars.psql | words }}`, `{{ vars.x | default('') }}`.
 *
 *   words           the value split on whitespace, each word its own argument. In shell text
 *                   every word becomes its own variable reference ("${DRILLBOOK_V1}"
 *                   "${DRILLBOOK_V2}" ...), so each word still reaches the shell as data: a
 *                   word holding `$(reboot)` or `;` is one literal argument, never code. Only
 *                   unquoted in shell text (inside quotes the words could not be separate).
 *   default('t')    `t` when the reference has no value (an optional var not passed with
 *                   --var, an unset env var, a step that did not run). The text is single
 *                   quoted and holds no `'` and no `}}`.
 *
 * A secret takes neither: a default would put a secret's stand-in in the file, and words
 * would cut it into pieces that redaction does not know.
 */
export type TemplateFilter = { name: 'words' } | { name: 'default'; text: string };

export const FILTER_NAMES = ['words', 'default'] as const;

const NAME = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*/y;
const DEFAULT_ARG = /\(\s*'([^']*)'\s*\)\s*/y;

/**
 * Splits the inside of `{{ ... }}` into the reference text and its filters. `offset` is
 * where the template starts (for errors). Throws `TemplateError` for an unknown filter (with
 * did-you-mean), a malformed argument or a filter given twice.
 */
export function splitFilters(inner: string, offset: number): { expr: string; filters: TemplateFilter[] } {
  const bar = inner.indexOf('|');
  if (bar < 0) return { expr: inner.trim(), filters: [] };
  const expr = inner.slice(0, bar).trim();
  const filters: TemplateFilter[] = [];
  let pos = bar;
  while (pos < inner.length) {
    if (inner[pos] !== '|') {
      throw new TemplateError(
        offset,
        `unexpected '${inner.slice(pos).trim()}' in {{ ${inner.trim()} }}`,
        FORMS,
      );
    }
    NAME.lastIndex = pos + 1;
    const name = NAME.exec(inner)?.[1];
    if (name === undefined)
      throw new TemplateError(offset, `a filter name is missing after | in {{ ${inner.trim()} }}`, FORMS);
    pos = NAME.lastIndex;
    const filter = filterNamed(name, inner, pos, offset);
    pos = filter.end;
    if (filters.some((f) => f.name === filter.filter.name)) {
      throw new TemplateError(offset, `filter '${name}' is given twice in {{ ${inner.trim()} }}`);
    }
    filters.push(filter.filter);
  }
  return { expr, filters };
}

const FORMS = "filters are | words and | default('text')";

function filterNamed(
  name: string,
  inner: string,
  pos: number,
  offset: number,
): { filter: TemplateFilter; end: number } {
  if (name === 'words') {
    if (inner[pos] === '(')
      throw new TemplateError(offset, 'the words filter takes no argument', 'write | words');
    return { filter: { name: 'words' }, end: pos };
  }
  if (name === 'default') {
    DEFAULT_ARG.lastIndex = pos;
    const m = DEFAULT_ARG.exec(inner);
    if (!m) {
      throw new TemplateError(
        offset,
        "default needs one single-quoted text: default('...')",
        "write e.g. | default('') or | default('staging'); the text cannot hold ' or }}",
      );
    }
    return { filter: { name: 'default', text: m[1] ?? '' }, end: DEFAULT_ARG.lastIndex };
  }
  const guess = didYouMean(name, FILTER_NAMES);
  throw new TemplateError(
    offset,
    `unknown template filter '${name}'`,
    guess ? `did you mean ${guess}?` : FORMS,
  );
}

/** Refuses filters a reference cannot take (see `TemplateFilter`). */
export function checkFilterTarget(
  ref: TemplateRef,
  filters: readonly TemplateFilter[],
  offset: number,
): void {
  if (filters.length === 0 || ref.root !== 'secrets') return;
  throw new TemplateError(
    offset,
    `a secret takes no filter (| ${filters[0]?.name})`,
    'a secret comes whole from its environment variable',
  );
}

export function defaultOf(filters: readonly TemplateFilter[] | undefined): string | undefined {
  const filter = filters?.find((f) => f.name === 'default');
  return filter?.name === 'default' ? filter.text : undefined;
}

export function hasWords(filters: readonly TemplateFilter[] | undefined): boolean {
  return filters?.some((f) => f.name === 'words') ?? false;
}

/** Words split the way a shell splits an unquoted expansion (space, tab, newline). */
export function wordsOf(value: string): string[] {
  return value.split(/[ \t\n]+/).filter((w) => w !== '');
}

/** Why `| words` cannot stand in `context`, or undefined when it can. */
export function wordsRefusedIn(context: ShellContext | undefined): string | undefined {
  if (context === undefined || context.kind === 'plain' || context.kind === 'comment') return undefined;
  if (context.kind === 'unsupported') return context.why;
  return '| words splits a value into separate arguments, so it must stand outside quotes and here-documents';
}

/**
 * `| words` in shell text about to run: one variable reference per word, each word recorded
 * in `values` (no word is ever part of the text the shell parses). No words: nothing at all.
 */
export function wordsReferences(values: ShellValues, context: ShellContext, value: string): string {
  return wordsOf(value)
    .map((word) => refFor(context, values.add(word)) ?? '')
    .join(' ');
}

/** `| words` shown to people: each word quoted on its own, as it will reach the command. */
export function wordsDisplay(value: string): string {
  return wordsOf(value).map(shellQuote).join(' ');
}
