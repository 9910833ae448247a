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
  const lexer = new ShellLexer();
  const contexts: ShellContext[] = [];
  for (const piece of pieces) {
    if (piece === null) contexts.push(lexer.hole());
    else lexer.text(piece);
  }
  return contexts;
}

type CmdFrame = Frame & { mode: 'cmd' };

/** The lexer's state between pieces: which quote, substitution or here-document it is in. */
class ShellLexer {
  private readonly stack: Frame[] = [
    { mode: 'cmd', parens: 0, nested: false, cases: 0, word: '', test: false },
  ];
  private wordStart = true;
  private comment = false;
  private readonly pending: Heredoc[] = [];
  private heredoc: (Heredoc & { line: string; holeInLine: boolean; subst: number }) | undefined;
  /** Set while reading the word after `<<`: the delimiter, as written and unquoted. */
  private delimiter: { raw: string; text: string; stripTabs: boolean; started: boolean } | undefined;
  /**
   * What the text right before a hole leaves pending: a backslash that would escape the
   * hole's opening quote, or a bare `$` that would turn it into bash's `$'...'` escapes.
   */
  private dangling: 'backslash' | 'dollar' | undefined;

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  hole(): ShellContext {
    const dangling = this.dangling;
    this.dangling = undefined;
    if (dangling) return unsupported(`right after a ${dangling === 'dollar' ? '$' : 'backslash'}`);
    return this.holeContext();
  }

  /** Reads literal shell text. */
  text(piece: string): void {
    let i = 0;
    for (; i < piece.length; i++) {
      this.dangling = undefined;
      if (this.heredoc) {
        i = this.heredocChar(piece, i);
        continue;
      }
      if (this.delimiter) {
        const used = this.delimiterChar(piece, i);
        if (used !== undefined) {
          i = used;
          continue;
        }
      }
      i = this.frameChar(piece, i);
    }
    // An escape at the very end of the text escapes whatever comes next: the hole.
    if (i > piece.length) this.dangling = 'backslash';
  }

  /** One character of a `<<` delimiter word; undefined when it ends the word (and is read as usual). */
  private delimiterChar(text: string, i: number): number | undefined {
    const delimiter = this.delimiter!;
    const c = text[i]!;
    const next = text[i + 1];
    if (!delimiter.started && (c === ' ' || c === '\t')) return i;
    if (/[\s;&|<>()]/.test(c)) {
      this.endDelimiter();
      return undefined;
    }
    delimiter.started = true;
    delimiter.raw += c;
    if (c === '\\' && next !== undefined) {
      delimiter.raw += next;
      delimiter.text += next;
      return i + 1;
    }
    if (c !== "'" && c !== '"') delimiter.text += c;
    return i;
  }

  private endDelimiter(): void {
    if (!this.delimiter) return;
    const quoted = /['"\\]/.test(this.delimiter.raw);
    this.pending.push({ delimiter: this.delimiter.text, quoted, stripTabs: this.delimiter.stripTabs });
    this.delimiter = undefined;
  }

  /** One character in the current frame; returns the index of the last char used. */
  private frameChar(text: string, i: number): number {
    const frame = this.top();
    const c = text[i]!;
    switch (frame.mode) {
      case 'sq':
        if (c === "'") this.stack.pop();
        return i;
      case 'dq':
        if (c === '\\') return i + 1;
        if (c === '"') this.stack.pop();
        else if (c === '$' || c === '`') return this.openSubstitution(text, i);
        return i;
      case 'bq':
        if (c === '\\') return i + 1;
        if (c === '`') this.stack.pop();
        return i;
      case 'param':
      case 'arith': {
        const [open, close] = frame.mode === 'param' ? ['{', '}'] : frame.brackets;
        if (c === open) frame.depth++;
        else if (c === close && --frame.depth === 0) this.stack.pop();
        return i;
      }
      case 'cmd':
        return this.cmdChar(frame, text, i);
    }
  }

  private holeContext(): ShellContext {
    if (this.heredoc) return this.heredocHole(this.heredoc);
    if (this.delimiter) return unsupported('as a here-document delimiter');
    if (this.comment) return { kind: 'comment' };
    const frame = this.top();
    this.wordStart = false;
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

  private heredocHole(heredoc: NonNullable<ShellLexer['heredoc']>): ShellContext {
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
  /** Handles `$(`, `$((`, `${` and a backtick at `i`; returns the index of the last char used. */
  private openSubstitution(text: string, i: number): number {
    const c = text[i];
    if (c === '`') {
      this.stack.push({ mode: 'bq' });
      return i;
    }
    const next = text[i + 1];
    if (next === '(' && text[i + 2] === '(') {
      this.stack.push({ mode: 'arith', depth: 2, brackets: '()' });
      return i + 2;
    }
    if (next === '(') {
      this.stack.push({ mode: 'cmd', parens: 0, nested: true, cases: 0, word: '', test: false });
      this.wordStart = true;
      return i + 1;
    }
    if (next === '[') {
      // bash's old arithmetic `$[ ... ]`: its operands are evaluated, so no template inside.
      this.stack.push({ mode: 'arith', depth: 1, brackets: '[]' });
      return i + 1;
    }
    if (next === '{') {
      this.stack.push({ mode: 'param', depth: 1 });
      return i + 1;
    }
    return i;
  }

  private cmdChar(frame: CmdFrame, text: string, i: number): number {
    const c = text[i]!;
    if (this.lineChar(c)) return i;
    const atWordStart = this.wordStart;
    this.wordStart = /[\s;&|()<>]/.test(c);
    if (this.wordStart) this.endWord(frame);
    else frame.word += c;
    switch (c) {
      case '\\':
        return i + 1;
      case "'":
        this.stack.push({ mode: 'sq' });
        return i;
      case '"':
        this.stack.push({ mode: 'dq' });
        return i;
      case '`':
        return this.openSubstitution(text, i);
      case '$': {
        const end = this.openSubstitution(text, i);
        if (end === i && i === text.length - 1) this.dangling = 'dollar';
        return end;
      }
      case '(':
        if (atWordStart && text[i + 1] === '(') {
          // `((` starts bash's arithmetic command; its operands are evaluated.
          this.stack.push({ mode: 'arith', depth: 2, brackets: '()' });
          return i + 1;
        }
        frame.parens++;
        return i;
      case ')':
        // Inside `case ... esac` a `)` with no `(` ends a pattern, not the `$(`.
        if (frame.parens > 0) frame.parens--;
        else if (frame.nested && frame.cases === 0) this.stack.pop();
        return i;
      case '<':
        if (text[i + 1] === '<' && text[i + 2] !== '<') {
          const stripTabs = text[i + 2] === '-';
          this.delimiter = { raw: '', text: '', stripTabs, started: false };
          this.wordStart = true;
          return stripTabs ? i + 2 : i + 1;
        }
        if (text[i + 1] === '<') return i + 2; // `<<<` here-string: an ordinary word follows
        return i;
      default:
        return i;
    }
  }

  /** Comments and newlines in command text; true when `c` was one of them. */
  private lineChar(c: string): boolean {
    if (this.comment) {
      if (c === '\n') {
        this.comment = false;
        this.newline();
      }
      return true;
    }
    if (c === '\n') {
      this.newline();
      return true;
    }
    if (c === '#' && this.wordStart) {
      this.comment = true;
      return true;
    }
    return false;
  }

  private endWord(frame: CmdFrame): void {
    if (frame.word === 'case') frame.cases++;
    else if (frame.word === 'esac' && frame.cases > 0) frame.cases--;
    else if (frame.word === '[[') frame.test = true;
    else if (frame.word === ']]') frame.test = false;
    frame.word = '';
  }

  private newline(): void {
    const frame = this.top();
    if (frame.mode === 'cmd') this.endWord(frame);
    this.endDelimiter();
    this.wordStart = true;
    this.startNextHeredoc();
  }

  private startNextHeredoc(): void {
    const h = this.pending.shift();
    this.heredoc = h ? { ...h, line: '', holeInLine: false, subst: 0 } : undefined;
  }

  /** One character of a here-document body; a line equal to the delimiter ends it. */
  private heredocChar(text: string, i: number): number {
    const h = this.heredoc!;
    const c = text[i]!;
    if (c === '\n') {
      const line = h.stripTabs ? h.line.replace(/^\t+/, '') : h.line;
      const ends = !h.holeInLine && line === h.delimiter;
      h.line = '';
      h.holeInLine = false;
      if (ends) this.startNextHeredoc();
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
