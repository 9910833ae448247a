import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { type LoadError, RunbookError } from './errors.js';
import type { Runbook } from './model.js';
import type { RawDocument } from './raw.js';
import { type BuildOptions, buildRunbook } from './validate.js';
import { parseYamlWithPositions } from './yaml-positions.js';

/** Runbooks are hand-written; anything bigger is a mistake (or an attack on the parser). */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);

/** Reads, parses and validates a runbook file. Throws RunbookError for any problem in it. */
export async function loadRunbook(file: string, options: BuildOptions = {}): Promise<Runbook> {
  const doc = await readRawDocument(file);
  return buildRunbook(doc, options);
}

export async function readRawDocument(file: string): Promise<RawDocument> {
  const whole = (message: string, hint?: string): RunbookError => {
    const e: LoadError = { file, line: 1, column: 1, path: '', message };
    if (hint) e.hint = hint;
    return new RunbookError([e]);
  };
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw whole('is a directory, expected a runbook file (.yaml or .md)');
    size = info.size;
  } catch (error) {
    if (error instanceof RunbookError) throw error;
    throw whole(`cannot read the runbook: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > MAX_RUNBOOK_BYTES)
    throw whole(
      `the runbook is ${(size / 1048576).toFixed(1)} MB; runbooks are limited to 2 MB`,
      'is this the right file?',
    );
  const bytes = await readFile(file);
  if (bytes.includes(0)) throw whole('this is a binary file, expected a YAML or Markdown runbook');
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    throw whole('the runbook is empty', 'expected at least `steps:` (YAML) or a `##` step (Markdown)');
  if (MARKDOWN_EXTENSIONS.has(extname(file).toLowerCase())) {
    const { parseMarkdown } = await import('./markdown/index.js');
    return parseMarkdown(file, text);
  }
  const parsed = parseYamlWithPositions(text, file);
  if (!parsed.ok) throw new RunbookError([parsed.error]);
  return { file, format: 'yaml', text, data: parsed.data, positions: parsed.positions };
}
