import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/runbook/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('timeout', 'timeout')).toBe(0);
  });

  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('retires', 'retries')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('hsot', 'host')).toBe(1);
  });
});

describe('didYouMean', () => {
  const stepKeys = [
    'id',
    'name',
    'description',
    'confirm',
    'when',
    'timeout',
    'retries',
    'retry_delay',
    'save',
  ];

  it('suggests the key a typo meant', () => {
    expect(didYouMean('timout', stepKeys)).toBe('timeout');
    expect(didYouMean('retires', stepKeys)).toBe('retries');
    expect(didYouMean('retry_dealy', stepKeys)).toBe('retry_delay');
    expect(didYouMean('descripton', stepKeys)).toBe('description');
    expect(didYouMean('nmae', stepKeys)).toBe('name');
  });

  it('ignores case when comparing but returns the candidate as written', () => {
    expect(didYouMean('Region', ['region', 'zone_id'])).toBe('region');
    expect(didYouMean('gremlin_team_secrt', ['GREMLIN_TEAM_SECRET'])).toBe('GREMLIN_TEAM_SECRET');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(didYouMean('banana', stepKeys)).toBeUndefined();
    expect(didYouMean('x', ['vars', 'env'])).toBeUndefined();
    expect(didYouMean('anything', [])).toBeUndefined();
  });

  it('is strict with short words and lenient with long ones', () => {
    // two edits in a 3-letter word is a different word
    expect(didYouMean('abc', ['xyc'])).toBeUndefined();
    expect(didYouMean('vars', ['var'])).toBe('var');
    expect(didYouMean('evn', ['env', 'vars'])).toBe('env');
    // three edits in a long name still reads as a typo
    expect(didYouMean('bookstore_zoneid_prd', ['bookstore_zone_id_prod'])).toBe('bookstore_zone_id_prod');
  });

  it('never suggests the word itself and prefers the closest candidate', () => {
    expect(didYouMean('host', ['host'])).toBeUndefined();
    expect(didYouMean('hosts', ['host', 'hosts2', 'hots'])).toBe('host');
    expect(didYouMean('stepz', ['steps', 'step'])).toBe('steps');
  });

  it('accepts any iterable, such as a Set or Map keys', () => {
    expect(didYouMean('gren', new Set(['blue', 'green']))).toBe('green');
    expect(didYouMean('blu', new Map([['blue', 1]]).keys())).toBe('blue');
  });
});
