import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uploadFilter, VCS_METADATA } from '../../src/ssh/upload-filter.js';

describe('uploadFilter', () => {
  it('always leaves version-control metadata out, at any depth, and nothing else by default', () => {
    const skip = uploadFilter([]);
    for (const name of VCS_METADATA) {
      expect(skip(name)).toBe(true);
      expect(skip(`vendor/lib/${name}`)).toBe(true);
    }
    for (const kept of ['.gitignore', '.github', 'git', 'src/.gitkeep', 'CVS.txt', 'a/b.git'])
      expect(skip(kept), kept).toBe(false);
  });

  it('matches names anywhere without a slash, whole paths with one; * and ? stay in one name', () => {
    const skip = uploadFilter(['*.pyc', 'node_modules', 'static/*.map', 'docs/**', 'v?.txt', './build/']);
    const cases: Array<[string, boolean]> = [
      ['a.pyc', true],
      ['pkg/deep/m.pyc', true],
      ['a.py', false],
      ['node_modules', true],
      ['web/node_modules', true],
      ['static/site.js.map', true],
      ['static/js/site.js.map', false],
      ['other/static/site.js.map', false],
      ['docs/a/b/c.md', true],
      ['docs', false],
      ['v1.txt', true],
      ['v10.txt', false],
      ['build', true],
      ['src/build', false],
    ];
    for (const [path, left] of cases) expect(skip(path), path).toBe(left);
  });

  it('treats regex characters in globs literally', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z.+()[\]{}^$|\\]{1,12}$/), (name) => {
        const skip = uploadFilter([name]);
        expect(skip(name)).toBe(true);
        expect(skip(`${name}x`)).toBe(false);
      }),
    );
  });
});
