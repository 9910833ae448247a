import { createRedactor, MIN_SECRET_LENGTH } from './redact.js';

/**
 * A value as it is kept on disk for `resume` (meta.json, the journal): the text, with each
 * secret it holds replaced by the secret's name. Never the secret itself, in any form; a
 * resumed run puts the value back from the environment, or refuses naming what is missing.
 */
export interface SealedValue {
  /** Text, or a secret by name (`trimmed`: its value without surrounding whitespace). */
  parts: Array<string | { secret: string; trimmed?: true }>;
  /**
   * The text between the secrets still held a secret in another form (URL-encoded, quoted...),
   * which had to be masked: the value cannot be restored, and resume refuses it.
   */
  lossy?: true;
}

export interface Sealer {
  /** The value sealed, or undefined when it holds no secret (it is kept as it is). */
  seal(value: string): SealedValue | undefined;
}

/** `secrets`: name -> value of every secret of the run (declared and implicit) that is set. */
export function createSealer(secrets: Readonly<Record<string, string>>): Sealer {
  // Longest first, so a secret inside another one is not split out of it.
  const known = Object.entries(secrets)
    .flatMap(([name, value]) =>
      [...new Set([value, value.trim()])].map((v) => ({ name, value: v, trimmed: v !== value })),
    )
    .filter((s) => s.value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.value.length - a.value.length);
  const { redact } = createRedactor(Object.values(secrets));
  return {
    seal(value) {
      if (known.length === 0) return undefined;
      const parts: SealedValue['parts'] = [];
      let lossy = false;
      const text = (t: string) => {
        if (t === '') return;
        const masked = redact(t);
        if (masked !== t) lossy = true;
        parts.push(masked);
      };
      let from = 0;
      for (;;) {
        let best: { at: number; secret: (typeof known)[number] } | undefined;
        for (const secret of known) {
          const at = value.indexOf(secret.value, from);
          if (at >= 0 && (!best || at < best.at)) best = { at, secret };
        }
        if (!best) break;
        text(value.slice(from, best.at));
        parts.push({ secret: best.secret.name, ...(best.secret.trimmed ? { trimmed: true as const } : {}) });
        from = best.at + best.secret.value.length;
      }
      if (from === 0 && parts.length === 0) {
        // No raw occurrence; an encoded one still has to stay out of the file.
        return redact(value) === value ? undefined : { parts: [redact(value)], lossy: true };
      }
      text(value.slice(from));
      return lossy ? { parts, lossy: true } : { parts };
    },
  };
}

/** The value again, from the environment; or the names of the secrets that are not set. */
export function unseal(
  sealed: SealedValue,
  env: Readonly<Record<string, string | undefined>>,
): { value: string } | { missing: string[] } {
  const missing = new Set<string>();
  let value = '';
  for (const part of sealed.parts) {
    if (typeof part === 'string') value += part;
    else {
      const secret = env[part.secret];
      if (secret) value += part.trimmed ? secret.trim() : secret;
      else missing.add(part.secret);
    }
  }
  return missing.size > 0 ? { missing: [...missing] } : { value };
}
