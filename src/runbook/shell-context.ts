/**
 * Where a template sits in shell text. A tiny POSIX sh lexer walks the literal text
 * (templates count as word characters) and reports the context of each template.
 *
 * What the lexer decides, and what it does not: for execution a template becomes a
 * reference to a variable that holds the value (`refFor`), never the value itself, so the
 * context only chooses the quoting of that reference (`"${V}"` outside quotes, `${V}` inside
 * "..."); a wrong guess can at worst leave the reference unquoted (the value is then split
 * into words and globbed) or print the reference literally, never run the value. The lexer
 * also refuses contexts where the shell itself would evaluate a value as code or arithmetic
 * (backticks, `$(( ))`, `(( ))`, `$[ ]`, `[[ ]]`, `${ }`, quoted here-documents, which expand
 * nothing). For display (`plan`, step summaries) `quoteFor` writes the value in place,
 * quoted for its context, so people read what will run; that text is never executed.
 */
export type ShellContext =
  | { kind: 'plain' }
  | { kind: 'single' }
  | { kind: 'double' }
  | { kind: 'comment' }
  /** The body of a here-document whose delimiter is unquoted (it expands `${...}`). */
  | { kind: 'heredoc'; delimiter: string }
  | { kind: 'unsupported'; why: string };

type Frame =
  | {
      mode: 'cmd';
      parens: number;
      nested: boolean;
      /** Open `case ... esac` commands: their patterns' `)` does not close a `$(`. */
      cases: number;
      /** Literal text of the current word, to spot the keywords `case`, `esac`, `[[`, `]]`. */
      word: string;
      /** Inside bash's `[[ ... ]]`, which evaluates the operands of -eq, -lt... as arithmetic. */
      test: boolean;
    }
  | { mode: 'sq' | 'dq' | 'bq' }
  | { mode: 'param'; depth: number }
  | { mode: 'arith'; depth: number; brackets: '()' | '[]' };

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
  const stack: Frame[] = [{ mode: 'cmd', parens: 0, nested: false, cases: 0, word: '', test: false }];
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
          const [open, close] = frame.mode === 'param' ? ['{', '}'] : frame.brackets;
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
      // A quoted delimiter (<<'EOF') turns expansion off, so no reference could be filled in
      // there, and writing the value itself would make it text of whatever reads the body.
      if (heredoc.quoted) {
        return unsupported(
          `in a here-document with a quoted delimiter (<<'${heredoc.delimiter}'), which expands nothing; write <<${heredoc.delimiter}`,
        );
      }
      return { kind: 'heredoc', delimiter: heredoc.delimiter };
    }
    if (delimiter) return unsupported('as a here-document delimiter');
    if (comment) return { kind: 'comment' };
    const frame = top();
    wordStart = false;
    switch (frame.mode) {
      case 'cmd':
        frame.word += '\u0000'; // a template is never a keyword
        if (frame.test)
          return unsupported('inside [[ ... ]] (bash may evaluate it as arithmetic); use [ ... ]');
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
        return unsupported(
          frame.brackets === '[]' ? 'inside $[ ... ]' : 'inside arithmetic $(( ... )) or (( ... ))',
        );
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
      stack.push({ mode: 'arith', depth: 2, brackets: '()' });
      return i + 2;
    }
    if (next === '(') {
      stack.push({ mode: 'cmd', parens: 0, nested: true, cases: 0, word: '', test: false });
      wordStart = true;
      return i + 1;
    }
    if (next === '[') {
      // bash's old arithmetic `$[ ... ]`: its operands are evaluated, so no template inside.
      stack.push({ mode: 'arith', depth: 1, brackets: '[]' });
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
    const atWordStart = wordStart;
    wordStart = /[\s;&|()<>]/.test(c);
    if (wordStart) endWord(frame);
    else frame.word += c;
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
        if (atWordStart && text[i + 1] === '(') {
          // `((` starts bash's arithmetic command; its operands are evaluated.
          stack.push({ mode: 'arith', depth: 2, brackets: '()' });
          return i + 1;
        }
        frame.parens++;
        return i;
      case ')':
        // Inside `case ... esac` a `)` with no `(` ends a pattern, not the `$(`.
        if (frame.parens > 0) frame.parens--;
        else if (frame.nested && frame.cases === 0) stack.pop();
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

  function endWord(frame: Frame & { mode: 'cmd' }): void {
    if (frame.word === 'case') frame.cases++;
    else if (frame.word === 'esac' && frame.cases > 0) frame.cases--;
    else if (frame.word === '[[') frame.test = true;
    else if (frame.word === ']]') frame.test = false;
    frame.word = '';
  }

  function newline(): void {
    const frame = top();
    if (frame.mode === 'cmd') endWord(frame);
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
 * For execution: a reference to the variable `name` (which holds the value), written so the
 * shell expands it to exactly the value, as one word, in `context`. The reference is all the
 * shell ever parses; the value reaches it as data. Undefined for contexts that are refused.
 */
export function refFor(context: ShellContext, name: string): string | undefined {
  const ref = `\${${name}}`;
  switch (context.kind) {
    case 'plain':
      return `"${ref}"`;
    case 'single':
      // Close the '...', add the quoted reference, reopen: the parts join into one word.
      return `'"${ref}"'`;
    case 'double':
    case 'heredoc':
      return ref;
    case 'comment':
      // Never expanded; kept so the text still shows that a value belongs here.
      return ref;
    case 'unsupported':
      return undefined;
  }
}

/**
 * For display only (`plan`, step summaries): `value` written in place, quoted for
 * `context`, so people read what will run. Never executed: execution uses `refFor`.
 * Returns undefined for a refused context.
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
      return value.replace(/[\r\n]/g, ' ');
    case 'heredoc':
      return value.replace(/[\\$`]/g, '\\$&');
    case 'unsupported':
      return undefined;
  }
}
