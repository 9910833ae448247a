/**
 * Where a template sits in shell text decides how its value must be quoted so it stays one
 * literal value. Always wrapping in single quotes is only safe outside any quotes: inside
 * `"..."` a value of `$(reboot)` would still run, inside a comment a line break escapes it.
 * So a tiny POSIX sh lexer walks the literal text (templates count as word characters) and
 * reports the context of each template. Contexts it cannot make safe are `unsupported`,
 * and rendering refuses them rather than guessing.
 */
export type ShellContext =
  | { kind: 'plain' }
  | { kind: 'single' }
  | { kind: 'double' }
  | { kind: 'comment' }
  | { kind: 'heredoc'; quoted: boolean; delimiter: string }
  | { kind: 'unsupported'; why: string };

type Frame =
  | { mode: 'cmd'; parens: number; nested: boolean }
  | { mode: 'sq' | 'dq' | 'bq' }
  | { mode: 'param' | 'arith'; depth: number };

interface Heredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

/**
 * Returns one context per hole. `pieces` alternates literal text and holes: a string is
 * literal shell text, `null` is a template to be filled.
 */
export function shellContexts(pieces: ReadonlyArray<string | null>): ShellContext[] {
  const contexts: ShellContext[] = [];
  const stack: Frame[] = [{ mode: 'cmd', parens: 0, nested: false }];
  let wordStart = true;
  let comment = false;
  const pending: Heredoc[] = [];
  let heredoc: (Heredoc & { line: string; holeInLine: boolean; subst: number }) | undefined;
  // Set while reading the word after `<<`: the delimiter, as written and unquoted.
  let delimiter: { raw: string; text: string; stripTabs: boolean; started: boolean } | undefined;

  const top = (): Frame => stack[stack.length - 1]!;

  const endDelimiter = (): void => {
    if (!delimiter) return;
    const quoted = /['"\\]/.test(delimiter.raw);
    pending.push({ delimiter: delimiter.text, quoted, stripTabs: delimiter.stripTabs });
    delimiter = undefined;
  };

  // What the text right before a hole leaves pending: a backslash that would escape the
  // hole's opening quote, or a bare `$` that would turn it into bash's `$'...'` escapes.
  let dangling: 'backslash' | 'dollar' | undefined;
  for (const piece of pieces) {
    if (piece === null) {
      contexts.push(
        dangling ? unsupported(`right after a ${dangling === 'dollar' ? '$' : 'backslash'}`) : holeContext(),
      );
      dangling = undefined;
      continue;
    }
    let i = 0;
    for (; i < piece.length; i++) {
      dangling = undefined;
      const c = piece[i]!;
      const next = piece[i + 1];
      if (heredoc) {
        i = heredocChar(piece, i);
        continue;
      }
      if (delimiter) {
        if (!delimiter.started && (c === ' ' || c === '\t')) continue;
        if (/[\s;&|<>()]/.test(c)) {
          endDelimiter();
        } else {
          delimiter.started = true;
          delimiter.raw += c;
          if (c === '\\' && next !== undefined) {
            delimiter.raw += next;
            delimiter.text += next;
            i++;
          } else if (c !== "'" && c !== '"') delimiter.text += c;
          continue;
        }
      }
      const frame = top();
      switch (frame.mode) {
        case 'sq':
          if (c === "'") stack.pop();
          break;
        case 'dq':
          if (c === '\\') i++;
          else if (c === '"') stack.pop();
          else if (c === '$' || c === '`') i = openSubstitution(piece, i);
          break;
        case 'bq':
          if (c === '\\') i++;
          else if (c === '`') stack.pop();
          break;
        case 'param':
        case 'arith': {
          const [open, close] = frame.mode === 'param' ? ['{', '}'] : ['(', ')'];
          if (c === open) frame.depth++;
          else if (c === close && --frame.depth === 0) stack.pop();
          break;
        }
        case 'cmd':
          i = cmdChar(frame, piece, i);
          break;
      }
    }
    // An escape at the very end of the text escapes whatever comes next: the hole.
    if (i > piece.length) dangling = 'backslash';
  }
  return contexts;

  function holeContext(): ShellContext {
    if (heredoc) {
      heredoc.holeInLine = true;
      if (heredoc.subst > 0) return unsupported('inside a command substitution in a here-document');
      return { kind: 'heredoc', quoted: heredoc.quoted, delimiter: heredoc.delimiter };
    }
    if (delimiter) return unsupported('as a here-document delimiter');
    if (comment) return { kind: 'comment' };
    const frame = top();
    wordStart = false;
    switch (frame.mode) {
      case 'cmd':
        return { kind: 'plain' };
      case 'sq':
        return { kind: 'single' };
      case 'dq':
        return { kind: 'double' };
      case 'bq':
        return unsupported('inside backticks; use $( ... ) instead');
      case 'param':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a JS template
        return unsupported('inside ${ ... }');
      case 'arith':
        return unsupported('inside $(( ... ))');
    }
  }

  /** Handles `$(`, `$((`, `${` and a backtick at `i`; returns the index of the last char used. */
  function openSubstitution(text: string, i: number): number {
    const c = text[i];
    if (c === '`') {
      stack.push({ mode: 'bq' });
      return i;
    }
    const next = text[i + 1];
    if (next === '(' && text[i + 2] === '(') {
      stack.push({ mode: 'arith', depth: 2 });
      return i + 2;
    }
    if (next === '(') {
      stack.push({ mode: 'cmd', parens: 0, nested: true });
      wordStart = true;
      return i + 1;
    }
    if (next === '{') {
      stack.push({ mode: 'param', depth: 1 });
      return i + 1;
    }
    return i;
  }

  function cmdChar(frame: Frame & { mode: 'cmd' }, text: string, i: number): number {
    const c = text[i]!;
    if (comment) {
      if (c === '\n') {
        comment = false;
        newline();
      }
      return i;
    }
    if (c === '\n') {
      newline();
      return i;
    }
    if (c === '#' && wordStart) {
      comment = true;
      return i;
    }
    wordStart = /[\s;&|()<>]/.test(c);
    switch (c) {
      case '\\':
        return i + 1;
      case "'":
        stack.push({ mode: 'sq' });
        return i;
      case '"':
        stack.push({ mode: 'dq' });
        return i;
      case '`':
        return openSubstitution(text, i);
      case '$': {
        const end = openSubstitution(text, i);
        if (end === i && i === text.length - 1) dangling = 'dollar';
        return end;
      }
      case '(':
        frame.parens++;
        return i;
      case ')':
        if (frame.parens > 0) frame.parens--;
        else if (frame.nested) stack.pop();
        return i;
      case '<':
        if (text[i + 1] === '<' && text[i + 2] !== '<') {
          const stripTabs = text[i + 2] === '-';
          delimiter = { raw: '', text: '', stripTabs, started: false };
          wordStart = true;
          return stripTabs ? i + 2 : i + 1;
        }
        if (text[i + 1] === '<') return i + 2; // `<<<` here-string: an ordinary word follows
        return i;
      default:
        return i;
    }
  }

  function newline(): void {
    endDelimiter();
    wordStart = true;
    startNextHeredoc();
  }

  function startNextHeredoc(): void {
    const h = pending.shift();
    heredoc = h ? { ...h, line: '', holeInLine: false, subst: 0 } : undefined;
  }

  /** One character of a here-document body; a line equal to the delimiter ends it. */
  function heredocChar(text: string, i: number): number {
    const h = heredoc!;
    const c = text[i]!;
    if (c === '\n') {
      const line = h.stripTabs ? h.line.replace(/^\t+/, '') : h.line;
      const ends = !h.holeInLine && line === h.delimiter;
      h.line = '';
      h.holeInLine = false;
      if (ends) startNextHeredoc();
      return i;
    }
    h.line += c;
    if (!h.quoted) {
      // Only track whether a hole could land inside `$(...)` or backticks, which run commands.
      if (c === '\\') {
        h.line += text[i + 1] ?? '';
        return i + 1;
      }
      if (c === '$' && text[i + 1] === '(') h.subst++;
      else if (c === ')' && h.subst > 0) h.subst--;
      else if (c === '`') h.subst = h.subst > 0 ? h.subst - 1 : h.subst + 1;
    }
    return i;
  }
}

function unsupported(where: string): ShellContext {
  return { kind: 'unsupported', why: `a template cannot be used ${where} in shell text` };
}

/** POSIX single quotes: the value is one word and nothing in it is special. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Makes `value` a literal in `context`. Returns undefined when it cannot be done safely
 * (a value with line breaks that could end a here-document early).
 */
export function quoteFor(context: ShellContext, value: string): string | undefined {
  switch (context.kind) {
    case 'plain':
      return shellQuote(value);
    case 'single':
      return value.replace(/'/g, `'\\''`);
    case 'double':
      return value.replace(/[\\$`"]/g, '\\$&');
    case 'comment':
      // A line break would end the comment and turn the rest of the value into commands.
      return value.replace(/[\r\n]/g, ' ');
    case 'heredoc':
      if (value.includes('\n') && value.includes(context.delimiter)) return undefined;
      return context.quoted ? value : value.replace(/[\\$`]/g, '\\$&');
    case 'unsupported':
      return undefined;
  }
}
