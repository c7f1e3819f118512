import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExpiration, ttlSeconds } from '../../src/store/node-view.js';
import { cleanPath, compareKeys, isHiddenBelow } from '../../src/store/path.js';
import { cleanKey } from './model.js';

describe('cleanPath', () => {
  it('cleans like Go path.Clean on "/" + key', () => {
    const cases: [string, string][] = [
      ['', '/'],
      ['/', '/'],
      ['a', '/a'],
      ['/a//b/', '/a/b'],
      ['/a/./b', '/a/b'],
      ['/a/b/../c', '/a/c'],
      ['/../a', '/a'],
      ['/a/..', '/'],
      ['//', '/'],
      ['/a/.', '/a'],
      ['/a/b/..', '/a'],
      ['/.hidden/..x', '/.hidden/..x'],
    ];
    for (const [input, clean] of cases) expect(cleanPath(input), input).toBe(clean);
  });

  it('returns an already clean key as it is and agrees with the plain component-by-component rule', () => {
    const piece = fc.constantFrom('/', '.', 'a', '_', '..', '//');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const key = pieces.join('');
        expect(cleanPath(key)).toBe(cleanKey(key));
        expect(cleanPath(cleanPath(key))).toBe(cleanPath(key));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isHiddenBelow', () => {
  it('hides a key when a component below the watched path starts with _', () => {
    expect(isHiddenBelow('/', '/_x')).toBe(true);
    expect(isHiddenBelow('/a', '/a/_b/c')).toBe(true);
    expect(isHiddenBelow('/_a', '/_a/b')).toBe(false);
    expect(isHiddenBelow('/a', '/a/b_c')).toBe(false);
    expect(isHiddenBelow('/a/_b/c', '/a')).toBe(false);
  });
});

describe('compareKeys', () => {
  it('orders by code point like Go compares UTF-8 bytes', () => {
    expect(compareKeys('a', 'b')).toBeLessThan(0);
    expect(compareKeys('ab', 'a')).toBeGreaterThan(0);
    expect(compareKeys('\uFF5E', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeys('\u{1F600}', '\uE000')).toBeGreaterThan(0);
    expect(compareKeys('\uD7FF', '\u{10000}')).toBeLessThan(0);
    expect(compareKeys('x', 'x')).toBe(0);
  });
});

describe('formatExpiration', () => {
  it('prints RFC 3339 in UTC with the fraction trimmed as Go RFC3339Nano does', () => {
    const t = Date.UTC(2026, 10, 22, 5, 20, 5);
    expect(formatExpiration(t)).toBe('2026-11-22T05:20:05Z');
    expect(formatExpiration(t + 100)).toBe('2026-11-22T05:20:05.1Z');
    expect(formatExpiration(t + 120)).toBe('2026-11-22T05:20:05.12Z');
    expect(formatExpiration(t + 123)).toBe('2026-11-22T05:20:05.123Z');
    expect(formatExpiration(t + 5)).toBe('2026-11-22T05:20:05.005Z');
    expect(formatExpiration(Date.UTC(2026, 10, 22, 5, 20, 0))).toBe('2026-11-22T05:20:00Z');
  });
});

describe('ttlSeconds', () => {
  it('rounds time left up to whole seconds, and toward zero once past', () => {
    expect(ttlSeconds(10_000, 0)).toBe(10);
    expect(ttlSeconds(10_000, 1)).toBe(10);
    expect(ttlSeconds(10_000, 999)).toBe(10);
    expect(ttlSeconds(10_000, 1000)).toBe(9);
    expect(ttlSeconds(10_000, 9999)).toBe(1);
    expect(ttlSeconds(10_000, 10_000)).toBe(0);
    expect(ttlSeconds(10_000, 10_999) === 0).toBe(true);
    expect(ttlSeconds(10_000, 11_000)).toBe(-1);
    expect(ttlSeconds(10_000, 12_500)).toBe(-2);
  });
});
