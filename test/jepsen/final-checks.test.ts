import { describe, expect, it } from 'vitest';
import { lostWrites, staleReads } from './final-checks.js';
import { get, HistoryBuilder, missing, ok, read, set, del } from './history-builder.js';

describe('final checks', () => {
  it('counts a default read as stale when a newer index was known before it started', () => {
    const h = new HistoryBuilder().add(1, 0, 1, set('a'), ok(5)).add(1, 2, 3, set('b'), ok(7));
    const reads = [
      { client: 2, key: '/k', member: 0, call: 2.5e6, ret: 2.6e6, index: 5 }, // b not acknowledged yet: fine
      { client: 2, key: '/k', member: 0, call: 4e6, ret: 5e6, index: 5 }, // stale
      { client: 2, key: '/k', member: 0, call: 4e6, ret: 5e6, index: 7 },
      { client: 2, key: '/k', member: 0, call: 4e6, ret: 5e6, index: undefined }, // absent: not judged
    ];
    expect(staleReads(h.ops, reads)).toEqual({ reads: 3, stale: 1 });
  });

  it('finds acknowledged writes the final state contradicts', () => {
    const h = new HistoryBuilder().add(1, 0, 1, set('a'), ok(5)).add(1, 2, 3, set('b'), ok(7));
    const finalOld = new HistoryBuilder().add(-1, 10, 11, get, read('a', 5)).ops;
    expect(lostWrites(h.ops, finalOld).map((o) => o.id)).toEqual([1]);
    const finalAbsent = new HistoryBuilder().add(-1, 10, 11, get, missing).ops;
    expect(lostWrites(h.ops, finalAbsent).length).toBe(2);
    h.add(2, 4, 5, del, ok(9));
    expect(lostWrites(h.ops, finalAbsent)).toEqual([]);
  });
});
