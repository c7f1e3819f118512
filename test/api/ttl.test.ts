import { describe, expect, it } from 'vitest';
import { effectiveTTLSeconds } from '../../api/ttl.js';

const NOW = Date.UTC(2026, 10, 22, 5, 0, 0);

describe('effectiveTTLSeconds follows etcd\'s int64 nanosecond arithmetic', () => {
  it('an ordinary ttl is itself', () => {
    expect(effectiveTTLSeconds('0', NOW)).toBe(0);
    expect(effectiveTTLSeconds('100', NOW)).toBe(100);
    expect(effectiveTTLSeconds('5000000000', NOW)).toBe(5_000_000_000);
  });

  it('a ttl whose expiration overflows int64 wraps before 2000, which etcd keeps as permanent', () => {
    expect(effectiveTTLSeconds('9000000000', NOW)).toBeUndefined();
    expect(effectiveTTLSeconds('99999999999', NOW)).toBeUndefined();
  });

  it('2^64-1 is a duration of -1 s: the key expired a second ago (etcd showed ttl -1)', () => {
    expect(effectiveTTLSeconds('18446744073709551615', NOW)).toBe(-1);
  });
});
