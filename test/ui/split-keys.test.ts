import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/ui/split-keys.js';

describe('splitKeys', () => {
  it('passes a single key through as Ink named it', () => {
    expect(splitKeys('a', {})).toEqual([{ input: 'a', key: {} }]);
    expect(splitKeys('', { delete: true })).toEqual([{ input: '', key: { delete: true } }]);
    expect(splitKeys('c', { ctrl: true })).toEqual([{ input: 'c', key: { ctrl: true } }]);
  });

  it('splits keys that arrived in one read: held Backspace, q then y, a phrase then Enter', () => {
    expect(splitKeys('\u007f\u007f', {})).toEqual([
      { input: '', key: { delete: true } },
      { input: '', key: { delete: true } },
    ]);
    expect(splitKeys('qy', {}).map((k) => k.input)).toEqual(['q', 'y']);
    const typed = splitKeys('ab\r', {});
    expect(typed.map((k) => k.input).join('')).toBe('ab');
    expect(typed.at(-1)).toEqual({ input: '', key: { return: true } });
  });

  it('reads other control characters as Ctrl+letter, as Ink does for one key', () => {
    expect(splitKeys('a\u0003', {})[1]).toEqual({ input: 'c', key: { ctrl: true } });
    expect(splitKeys('\b\b', {})[0]).toEqual({ input: '', key: { backspace: true } });
  });
});
