import fc from 'fast-check';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { createRedactor, MASK, type Redactor } from '../../src/engine/redact.js';
import { cleanText } from '../../src/report/xml-text.js';

function streamAll(redactor: Redactor, chunks: readonly string[]): string {
  const s = redactor.stream();
  return chunks.map((c) => s.push(c)).join('') + s.flush();
}

/** Splits `text` at the given fractions (sorted, deduplicated). */
function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  chunks.push(text.slice(from));
  return chunks;
}

/** The text as each consumer cleans it: console (ANSI stripped), JUnit, TUI (controls too). */
const CONSUMERS: Array<(text: string) => string> = [
  (text) => text,
  stripAnsi,
  cleanText,
  (text) => stripAnsi(text).replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ''),
];

/** What a reader sees in JUnit (for tests with one expected result). */
function asShown(text: string): string {
  return cleanText(text);
}

/**
 * The encoders, written independently of src/engine/secret-forms.ts, that drillbook's own
 * renderings use: shell single/double quoting, JSON, XML, URL (component and form).
 */
const ENCODINGS: Record<string, (v: string) => string> = {
  raw: (v) => v,
  shellSingle: (v) => `'${v.replaceAll("'", `'\\''`)}'`,
  shellDouble: (v) => `"${v.replace(/[\\$`"]/g, (c) => `\\${c}`)}"`,
  json: (v) => JSON.stringify(v),
  jsonAscii: (v) =>
    JSON.stringify(v).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  xml: (v) =>
    v.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
    ),
  xmlNumeric: (v) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  urlComponent: (v) => encodeURIComponent(v),
  urlForm: (v) => new URLSearchParams({ v }).toString().slice(2),
};

/** Secrets drawn from letters, digits and the characters that encodings change. */
const secretArb = fc
  .array(fc.constantFrom(...'abcXYZ019\'"\\&<>$`é秘 -_/%+=:'.split(''), '🔑'), {
    minLength: 4,
    maxLength: 24,
  })
  .map((cs) => cs.join(''))
  .filter((s) => s.trim().length >= 4);
/** Ordinary text around the secret: cannot contain `*` (the mask) nor form a secret. */
const textArb = fc.string({ unit: fc.constantFrom(...'mnopq \n\t.;'.split('')), maxLength: 40 });
const ansiArb = fc.constantFrom(
  '\x1b[1m',
  '\x1b[0m',
  '\x1b[38;5;196m',
  '\x1b]8;;http://x\x07',
  '\x07',
  '\x00',
  '\x9b2K',
);

describe('redaction of rendered forms', () => {
  it("masks the shell-quoted form a summary shows: echo 'it'\\''s-a-s3cret'", () => {
    const r = createRedactor(["it's-a-s3cret"]);
    expect(r.redact("sh: echo 'it'\\''s-a-s3cret'")).toBe(`sh: echo '${MASK}'`);
    expect(r.redact('curl -H "X: it\'s-a-s3cret"')).not.toContain('s3cret');
    expect(r.redact('{"pw":"it\'s-a-s3cret"}')).toBe(`{"pw":"${MASK}"}`);
    expect(r.redact('<p a="it&apos;s-a-s3cret"/>')).toBe(`<p a="${MASK}"/>`);
    expect(r.redact('https://h/?pw=it%27s-a-s3cret')).toBe(`https://h/?pw=${MASK}`);
  });

  it('masks a secret that an escape sequence splits, so stripping cannot reassemble it', () => {
    const secret = 'Zq9SECRETh4nter2Xy';
    const r = createRedactor([secret]);
    const text = 'Zq9SECRET\x1b[1mh4nter2Xy\n';
    expect(asShown(r.redact(text))).toBe(`${MASK}\n`);
    for (let i = 0; i <= text.length; i++)
      for (let j = i; j <= text.length; j++) {
        const out = streamAll(r, [text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(asShown(out), `split at ${i}, ${j}`).toBe(`${MASK}\n`);
      }
  });

  it('keeps escapes around a secret and text without one untouched', () => {
    const r = createRedactor(['Zq9SECRETh4nter2Xy']);
    expect(r.redact('\x1b[31mred Zq9SECRETh4nter2Xy\x1b[0m done')).toBe(`\x1b[31mred ${MASK}\x1b[0m done`);
    const plain = '\x1b[1mbold\x1b[0m \x07bell Zq9SECRET and h4nter2Xy apart';
    expect(r.redact(plain)).toBe(plain);
    expect(streamAll(r, [plain.slice(0, 3), plain.slice(3, 20), plain.slice(20)])).toBe(plain);
  });

  it('holds back an unfinished escape sequence only until it ends', () => {
    const s = createRedactor(['Zq9SECRETh4nter2Xy']).stream();
    expect(s.push('Zq9 ok \x1b[1')).toBe('Zq9 ok ');
    expect(s.push('m bold')).toBe('\x1b[1m bold');
    expect(s.flush()).toBe('');
  });

  it('property: no encoded form survives, whatever the chunking and escapes inside it', () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.constantFrom(...Object.keys(ENCODINGS)),
        textArb,
        textArb,
        fc.array(fc.tuple(fc.nat(), ansiArb), { maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (secret, encoding, before, after, escapes, cuts) => {
          const encoded = ENCODINGS[encoding]!(secret);
          let inner = encoded;
          for (const [at, esc] of escapes) {
            const p = at % (inner.length + 1);
            inner = inner.slice(0, p) + esc + inner.slice(p);
          }
          const text = `${before}${inner}${after}`;
          const r = createRedactor([secret]);
          const streamed = streamAll(r, splitAt(text, cuts));
          expect(streamed).toBe(r.redact(text));
          for (const shown of CONSUMERS.map((clean) => clean(streamed))) {
            expect(shown).not.toContain(secret);
            expect(shown).not.toContain(encoded);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: text without a secret comes out unchanged, however chunked', () => {
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(textArb, ansiArb), { maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (secrets, pieces, cuts) => {
          const text = pieces.join('');
          const r = createRedactor(secrets.map((s) => s.replace(/[mnopq]/g, 'a')));
          expect(r.redact(text)).toBe(text);
          expect(streamAll(r, splitAt(text, cuts))).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays bounded when a possible secret start is followed by endless escapes', () => {
    const s = createRedactor(['Zq9SECRETh4nter2Xy']).stream();
    let shown = s.push('Zq9');
    for (let i = 0; i < 2000; i++) shown += s.push('\x1b[1m'.repeat(100));
    shown += s.flush();
    expect(shown.length).toBe(3 + 2000 * 400);
  });
});

describe('secrets made of control characters', () => {
  it('warns that a secret with fewer than 4 printable characters is not redacted', () => {
    const r = createRedactor(['\x01\x02\x03\x04ab']);
    expect(r.warnings).toEqual([
      '1 secret value has fewer than 4 printable characters and will not be redacted',
    ]);
    expect(createRedactor(['\x1b[1mabcd']).redact('x abcd y')).toBe(`x ${MASK} y`);
  });
});
