// Which keys a role reaches, as etcd's simpleMatch and prefixMatch decide.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/model.js';
import { EmptyPatternError, roleReaches } from '../../src/auth/permissions.js';

const role = (read: string[] | null, write: string[] | null = null, name = 'r'): Role => ({ role: name, permissions: { kv: { read, write } } });
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('roleReaches', () => {
  it('matches a key exactly, or a prefix for a pattern ending in *', () => {
    const r = role(['/one', '/foo/*']);
    expect(roleReaches(r, '/one', false, false)).toBe(true);
    expect(roleReaches(r, '/one/two', false, false)).toBe(false);
    expect(roleReaches(r, '/foo/', false, false)).toBe(true);
    expect(roleReaches(r, '/foo/a/b', false, false)).toBe(true);
    expect(roleReaches(r, '/foo', false, false)).toBe(false);
    expect(roleReaches(r, '/one', true, false)).toBe(false);
  });

  it('lets a recursive request through only a prefix pattern', () => {
    const r = role(['/one', '/foo/*']);
    expect(roleReaches(r, '/one', false, true)).toBe(false);
    expect(roleReaches(r, '/foo/x', false, true)).toBe(true);
    expect(roleReaches(role(['*']), '', false, true)).toBe(true);
  });

  it('the root role reaches everything; null lists reach nothing', () => {
    expect(roleReaches(role(null, null, 'root'), '/any', true, true)).toBe(true);
    expect(roleReaches(role(null, null), '/any', false, false)).toBe(false);
  });

  it('matches patterns as UTF-8 bytes against byte-string keys', () => {
    expect(roleReaches(role(['/é*']), bytes('/é/x'), false, false)).toBe(true);
    expect(roleReaches(role(['/é']), '/é', false, false)).toBe(false); // '/é' as a byte string is two bytes after '/'
    expect(roleReaches(role(['/a*']), '/a\xff', false, false)).toBe(true);
  });

  it('throws on an empty pattern it reaches, where etcd panics', () => {
    expect(() => roleReaches(role(['']), '/x', false, false)).toThrow(EmptyPatternError);
    expect(roleReaches(role(['/x', '']), '/x', false, false)).toBe(true);
  });

  it('a prefix pattern reaches exactly the keys that start with its prefix', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((p) => !p.endsWith('*')), fc.string(), fc.boolean(), (prefix, rest, recursive) => {
        const key = bytes(prefix + rest);
        expect(roleReaches(role([`${prefix}*`]), key, false, recursive)).toBe(true);
        expect(roleReaches(role([prefix]), key, false, recursive)).toBe(!recursive && rest === '');
      }),
    );
  });
});
