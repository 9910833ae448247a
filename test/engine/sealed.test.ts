import { describe, expect, it } from 'vitest';
import { createSealer, unseal } from '../../src/engine/sealed.js';

describe('sealed values', () => {
  const sealer = createSealer({ PW: 'hunter2-secret', TOKEN: 'tok-1234\n' });

  it('keeps a value without a secret as it is', () => {
    expect(sealer.seal('nothing here')).toBeUndefined();
  });

  it('names each secret instead of writing it, and puts it back from the environment', () => {
    const sealed = sealer.seal('user:hunter2-secret@host tok-1234 end')!;
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(JSON.stringify(sealed)).not.toContain('tok-1234');
    expect(sealed.parts).toEqual([
      'user:',
      { secret: 'PW' },
      '@host ',
      { secret: 'TOKEN', trimmed: true },
      ' end',
    ]);
    expect(unseal(sealed, { PW: 'hunter2-secret', TOKEN: 'tok-1234\n' })).toEqual({
      value: 'user:hunter2-secret@host tok-1234 end',
    });
    // Read again from the environment: a rotated secret is what the resumed run gets.
    expect(unseal(sealed, { PW: 'rotated-pw', TOKEN: 'new' })).toEqual({
      value: 'user:rotated-pw@host new end',
    });
    expect(unseal(sealed, { TOKEN: 'x' })).toEqual({ missing: ['PW'] });
  });

  it('marks a value that held a secret only in an encoded form as lossy, without the secret', () => {
    const encoded = createSealer({ PW: "it's-a-s3cret" }).seal("echo 'it'\\''s-a-s3cret'");
    expect(encoded?.lossy).toBe(true);
    expect(JSON.stringify(encoded)).not.toContain('s3cret');
  });
});
