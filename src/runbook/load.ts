import { extname } from 'node:path';
import type { ActionRegistry } from '../plugin/contract.js';
import { type LoadError, RunbookError } from './errors.js';
import type { Runbook } from './model.js';
import type { RawDocument } from './raw.js';
import { MAX_RUNBOOK_BYTES, readRunbookBytes, UnreadableFile } from './read-file.js';
import { decodeUtf8 } from './utf8.js';
import { type BuildOptions, buildRunbook } from './validate.js';
import { parseYamlWithPositions } from './yaml-positions.js';

export { MAX_RUNBOOK_BYTES };

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);

/** Reads, parses and validates a runbook file. Throws RunbookError for any problem in it. */
export async function loadRunbook(
  actions: ActionRegistry,
  file: string,
  options: BuildOptions = {},
): Promise<Runbook> {
  const doc = await readRawDocument(file);
  return buildRunbook(actions, doc, options);
}

export async function readRawDocument(file: string): Promise<RawDocument> {
  let bytes: Buffer;
  try {
    bytes = await readRunbookBytes(file);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    throw problemAt(file, 1, 1, error.message, error.hint);
  }
  return parseRunbookBytes(file, bytes);
}

/**
 * Parses a runbook's bytes (YAML or Markdown, by `file`'s extension) into the raw document the
 * validator takes. Separate from reading so tests can feed it bytes without a file.
 */
export async function parseRunbookBytes(file: string, bytes: Uint8Array): Promise<RawDocument> {
  if (bytes.includes(0))
    throw problemAt(file, 1, 1, 'this is a binary file, expected a YAML or Markdown runbook');
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { line, column, byte } = decoded.at;
    throw problemAt(
      file,
      line,
      column,
      `the runbook is not valid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')})`,
      'save it as UTF-8; Latin-1 and UTF-16 files are refused rather than guessed at',
    );
  }
  const text = decoded.text;
  if (text.trim() === '')
    throw problemAt(
      file,
      1,
      1,
      'the runbook is empty',
      'expected at least `steps:` (YAML) or a `##` step (Markdown)',
    );
  if (MARKDOWN_EXTENSIONS.has(extname(file).toLowerCase())) {
    const { parseMarkdown } = await import('./markdown/index.js');
    return parseMarkdown(file, text);
  }
  const parsed = parseYamlWithPositions(text, file);
  if (!parsed.ok) throw new RunbookError([parsed.error]);
  return { file, format: 'yaml', text, data: parsed.data, positions: parsed.positions };
}

function problemAt(file: string, line: number, column: number, message: string, hint?: string): RunbookError {
  const e: LoadError = { file, line, column, path: '', message };
  if (hint) e.hint = hint;
  return new RunbookError([e]);
}
