import { describe, expect, it } from 'vitest';
import { createRedactor, MASK, type Redactor } from '../../src/engine/redact.js';

function streamAll(redactor: Redactor, chunks: readonly string[]): { pieces: string[]; out: string } {
  const s = redactor.stream();
  const pieces = chunks.map((c) => s.push(c));
  pieces.push(s.flush());
  return { pieces, out: pieces.join('') };
}

/** Reference: mask the union of all occurrences, one *** per run of overlapping occurrences. */
function naiveRedact(text: string, secrets: readonly string[]): string {
  const ends: number[] = new Array(text.length).fill(-1);
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) {
      ends[i] = Math.max(ends[i] ?? -1, i + s.length);
    }
  }
  let out = '';
  let maskEnd = 0;
  for (let i = 0; i < text.length; i++) {
    const e = ends[i] ?? -1;
    if (i < maskEnd) {
      maskEnd = Math.max(maskEnd, e);
      continue;
    }
    if (e > i) {
      out += MASK;
      maskEnd = e;
    } else out += text[i];
  }
  return out;
}

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    const r = createRedactor(['s3cr3t-token', 'hunter22']);
    expect(r.redact('token=s3cr3t-token pw=hunter22 again s3cr3t-token')).toBe('token=*** pw=*** again ***');
    expect(r.redact('nothing to hide')).toBe('nothing to hide');
    expect(r.redact('')).toBe('');
  });

  it('masks adjacent occurrences separately', () => {
    const r = createRedactor(['abcd', 'wxyz']);
    expect(r.redact('abcdabcdwxyz')).toBe('*********');
    expect(r.redact('abcd-abcd')).toBe('***-***');
  });

  it('prefers the longest match and merges overlapping ones so no part leaks', () => {
    const r = createRedactor(['pass', 'password123']);
    expect(r.redact('password123 and pass')).toBe('*** and ***');
    const overlapping = createRedactor(['abcdef', 'defghi']);
    expect(overlapping.redact('xabcdefghiy')).toBe('x***y');
    expect(createRedactor(['aaaa']).redact('aaaaaaa b')).toBe('*** b');
  });

  it('ignores empty and short values and says so without the value', () => {
    const r = createRedactor(['', 'ab', 'x', 'long-enough']);
    expect(r.redact('ab x long-enough')).toBe('ab x ***');
    expect(r.warnings).toEqual(['2 secret values are shorter than 4 characters and will not be redacted']);
    expect(r.warnings.join()).not.toContain('ab');
    expect(createRedactor(['abcd']).warnings).toEqual([]);
  });

  it('also redacts a value without its surrounding whitespace', () => {
    const r = createRedactor(['tok3n-value\n']);
    expect(r.redact('Authorization: tok3n-value.')).toBe('Authorization: ***.');
    expect(r.redact('tok3n-value\nnext')).toBe('***next');
  });

  it('handles unicode secrets and text', () => {
    const r = createRedactor(['pässwörd-🔑', '秘密のトークン']);
    expect(r.redact('a pässwörd-🔑 b 秘密のトークン c ✓')).toBe('a *** b *** c ✓');
  });

  it('treats regex characters literally', () => {
    const r = createRedactor(['a.b*c+d(e)$', '[^x]{2}']);
    expect(r.redact('a.b*c+d(e)$ aXbccd [^x]{2}')).toBe('*** aXbccd ***');
  });

  it('matches a reference implementation on random input', () => {
    const random = rng(7);
    for (let round = 0; round < 300; round++) {
      const alphabet = 'ab';
      const word = (n: number) =>
        Array.from({ length: n }, () => alphabet[Math.floor(random() * 2)]).join('');
      const secrets = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        word(4 + Math.floor(random() * 3)),
      );
      const text = word(Math.floor(random() * 40));
      expect(createRedactor(secrets).redact(text), JSON.stringify({ secrets, text })).toBe(
        naiveRedact(text, secrets),
      );
    }
  });
});

describe('redact stream', () => {
  it('passes chunks through untouched when there are no secrets', () => {
    const s = createRedactor([]).stream();
    const chunk = 'x'.repeat(1000);
    expect(s.push(chunk)).toBe(chunk);
    expect(s.flush()).toBe('');
  });

  it('masks a secret split at every position, never showing part of it early', () => {
    const secret = 'hunter2-is-the-secret';
    const r = createRedactor([secret]);
    const text = `before ${secret} after`;
    const expected = 'before *** after';
    for (let i = 0; i <= text.length; i++) {
      const { pieces, out } = streamAll(r, [text.slice(0, i), text.slice(i)]);
      expect(out, `split at ${i}`).toBe(expected);
      // Whatever came out first is a prefix of the correct output: nothing leaked ahead.
      expect(expected.startsWith(pieces[0] ?? ''), `split at ${i}`).toBe(true);
    }
  });

  it('masks a secret fed one character at a time', () => {
    const r = createRedactor(['abcdefgh', 'zz-top-secret']);
    const text = 'xx abcdefgh yy zz-top-secret abcdefg zz-top';
    const { pieces, out } = streamAll(r, [...text]);
    expect(out).toBe('xx *** yy *** abcdefg zz-top');
    let sofar = '';
    for (const p of pieces) {
      sofar += p;
      expect('xx *** yy *** abcdefg zz-top'.startsWith(sofar)).toBe(true);
    }
  });

  it('releases a partial match at the end of the stream on flush', () => {
    const s = createRedactor(['secret-value']).stream();
    expect(s.push('prompt: secret-val')).toBe('prompt: ');
    expect(s.flush()).toBe('secret-val');
    const t = createRedactor(['secret-value']).stream();
    expect(t.push('ends with secret-value')).toBe('ends with ***');
    expect(t.flush()).toBe('');
  });

  it('holds back at most the longest secret minus one character, and only a possible start', () => {
    const secret = 'abcdefghij';
    const s = createRedactor([secret, 'short-one']).stream();
    expect(s.push('hello world')).toBe('hello world');
    const out = s.push('xxxxxxxxxxxxxxxxxxxxxabcdefghi');
    expect(out).toBe('xxxxxxxxxxxxxxxxxxxxx');
    expect(s.push('j!')).toBe('***!');
  });

  it('keeps overlapping occurrences merged across chunks', () => {
    const r = createRedactor(['aaaa']);
    expect(streamAll(r, ['aaa', 'aa', 'a', 'aaa b']).out).toBe('*** b');
    expect(streamAll(r, ['aaaa', 'aaaa', 'a']).out).toBe('***');
  });

  it('gives the same output as redact() however the input is chunked', () => {
    const random = rng(42);
    for (let round = 0; round < 400; round++) {
      const alphabet = 'abc';
      const word = (n: number) =>
        Array.from({ length: n }, () => alphabet[Math.floor(random() * 3)]).join('');
      const secrets = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        word(4 + Math.floor(random() * 4)),
      );
      const text = word(Math.floor(random() * 60));
      const chunks: string[] = [];
      for (let i = 0; i < text.length; ) {
        const n = Math.floor(random() * 9);
        chunks.push(text.slice(i, i + n));
        i += n;
      }
      const r = createRedactor(secrets);
      expect(streamAll(r, chunks).out, JSON.stringify({ secrets, chunks })).toBe(r.redact(text));
    }
  });

  it('streams many chunks with secrets spread through them', () => {
    const r = createRedactor(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG']);
    const line = 'key=AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG ok\n';
    const text = line.repeat(2000);
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 37) chunks.push(text.slice(i, i + 37));
    const { out } = streamAll(r, chunks);
    expect(out).toBe('key=*** secret=*** ok\n'.repeat(2000));
  });
});
