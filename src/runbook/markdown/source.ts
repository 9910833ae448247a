import { type LoadError, RunbookError, type SourcePos } from '../errors.js';

/**
 * The Markdown text as the front-end sees it: newlines normalised to `\n` (line and column
 * numbers stay those of the original file), plus helpers to turn lines into positions.
 */
export class MarkdownSource {
  readonly text: string;
  readonly lines: string[];

  constructor(
    readonly file: string,
    original: string,
  ) {
    this.text = original.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    this.lines = this.text.split('\n');
  }

  /** Text of a 1-based line, or '' past the end. */
  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  pos(line: number, column = 1): SourcePos {
    return { file: this.file, line, column };
  }
}

/** Collects Markdown-structural problems so one run reports all of them. */
export class Problems {
  readonly list: LoadError[] = [];

  add(at: SourcePos, message: string, hint?: string, path = ''): void {
    const e: LoadError = { ...at, path, message };
    if (hint) e.hint = hint;
    this.list.push(e);
  }

  /** For problems after which nothing else in the file can be trusted. */
  fatal(at: SourcePos, message: string, hint?: string): never {
    this.add(at, message, hint);
    this.throwIfAny();
    throw new Error('unreachable');
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new RunbookError(sorted);
  }
}

/** Refuses input that cannot be a Markdown runbook before any parser sees it. */
export function checkReadable(file: string, text: string): void {
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    const column = nul - before.lastIndexOf('\n');
    new Problems().fatal(
      { file, line, column },
      'this is a binary file (it contains a NUL byte), expected a Markdown runbook',
      'is this the right file?',
    );
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    new Problems().fatal(
      { file, line: 1, column: 1 },
      'the runbook is empty',
      'a Markdown runbook needs a `# Title` and at least one `##` step with a ```sh block',
    );
  }
}
