// What etcd makes of a `ttl` it accepted (any uint64). etcd computes the expiration in int64
// nanoseconds, time.Duration(ttl) * time.Second plus now, letting both overflow silently; its
// store then treats an expiration before 2000-01-01 as "permanent". So a huge ttl (about 7.4e9
// seconds and up) usually makes a permanent key, and 2^64-1 makes one that expired a second ago.
// Reproducing that here also keeps absurd values from reaching the store as out-of-range dates.

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;
/** etcd's minExpireTime, 2000-01-01T00:00:00Z, in Unix nanoseconds. */
const MIN_EXPIRE_NS = 946_684_800n * NS_PER_SECOND;

/**
 * Seconds to live for a ttl given as decimal digits (already checked to fit in a uint64), at
 * `nowMs`; undefined when etcd would make the key permanent. Negative when etcd's arithmetic
 * wrapped to a moment already past.
 */
export function effectiveTTLSeconds(ttlDigits: string, nowMs: number): number | undefined {
  const ttl = BigInt(ttlDigits);
  if (ttl * NS_PER_SECOND < 2n ** 62n) return Number(ttl); // the everyday case: no overflow anywhere near
  const duration = BigInt.asIntN(64, BigInt.asIntN(64, ttl) * NS_PER_SECOND);
  const nowNs = BigInt(Math.trunc(nowMs)) * NS_PER_MS;
  const expiresNs = BigInt.asIntN(64, nowNs + duration);
  if (expiresNs < MIN_EXPIRE_NS) return undefined;
  return Number(expiresNs - nowNs) / 1e9;
}
