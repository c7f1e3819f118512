import { describe, expect, it } from 'vitest';
import { cleanPath, muxCleanPath, parseRequestTarget } from '../../api/request-target.js';

describe('parseRequestTarget reads a request target as Go does', () => {
  it('unescapes the path, %2F included, and keeps the query raw', () => {
    expect(parseRequestTarget('/v2/keys/a%2Fb%20c+d?x=%zz&y')).toEqual({ path: '/v2/keys/a/b c+d', rawQuery: 'x=%zz&y' });
  });

  it('keeps undecodable bytes as bytes', () => {
    expect(parseRequestTarget('/v2/keys/%E2%82%AC%FF')?.path).toBe('/v2/keys/\u00e2\u0082\u00ac\u00ff');
  });

  it('takes the path of an absolute-form target', () => {
    expect(parseRequestTarget('http://host:2379/v2/keys/a?b=1')).toEqual({ path: '/v2/keys/a', rawQuery: 'b=1' });
  });

  it('refuses what Go answers with a bare 400', () => {
    expect(parseRequestTarget('/v2/keys/%zz')).toBeUndefined();
    expect(parseRequestTarget('/v2/keys/%4')).toBeUndefined();
    expect(parseRequestTarget('v2/keys')).toBeUndefined();
    expect(parseRequestTarget('/a\u0001b')).toBeUndefined();
  });
});

describe('cleaning paths', () => {
  it('cleanPath is path.Clean', () => {
    expect(cleanPath('/a//b/./c/..')).toBe('/a/b');
    expect(cleanPath('/../..')).toBe('/');
    expect(cleanPath('')).toBe('.');
    expect(cleanPath('a/../..')).toBe('..');
  });

  it('muxCleanPath keeps a trailing slash, as ServeMux does before deciding to redirect', () => {
    expect(muxCleanPath('/v2/keys/a/')).toBe('/v2/keys/a/');
    expect(muxCleanPath('/v2/keys//a/')).toBe('/v2/keys/a/');
    expect(muxCleanPath('/v2/keys/a/..')).toBe('/v2/keys');
    expect(muxCleanPath('/')).toBe('/');
  });
});
