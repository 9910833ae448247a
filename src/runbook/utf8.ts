/** Where the first byte that is not valid UTF-8 is, 1-based like every runbook position. */
export interface BadByte {
  line: number;
  column: number;
  byte: number;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a runbook's bytes as UTF-8, or says where the first invalid byte is. A Latin-1
 * or UTF-16 file decoded leniently would run with its text silently replaced by U+FFFD, so
 * invalid bytes are an error. A UTF-8 byte order mark is valid UTF-8 and kept in the text
 * (the YAML and Markdown front-ends skip it), so the runbook digest is that of the file.
 */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; at: BadByte } {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    // Columns count characters, as an editor does; the bytes before the bad one are valid.
    const before = strict.decode(bytes.subarray(lineStart, offset));
    return { ok: false, at: { line, column: [...before].length + 1, byte: bytes[offset] ?? 0 } };
  }
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, surrogates, > U+10FFFF). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return bytes.length;
}

/** Length of the valid sequence starting at `i`, or 0 when it is not one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const first = b[i] ?? 0;
  if (first < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const v = b[i + k];
    return v !== undefined && v >= lo && v <= hi;
  };
  if (first >= 0xc2 && first <= 0xdf) return cont(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const lo = first === 0xe0 ? 0xa0 : 0x80;
    const hi = first === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const lo = first === 0xf0 ? 0x90 : 0x80;
    const hi = first === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
