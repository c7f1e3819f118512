// The duplicate, lost and phantom write checks can fail: synthetic histories with a POST applied
// twice, a compare-and-swap applied twice, and their cousins must each be reported, and a
// consistent history must not be.
import { describe, expect, it } from 'vitest';
import { checkAppliedWrites, checkFinalState, compareWatchers } from './applied-writes.js';
import type { AnomalyKind } from './applied-writes.js';
import { casIndex, casValue, create, del, fail, get, HistoryBuilder, missing, ok, read, set } from './history-builder.js';
import type { AppendOp } from './history.js';
import type { WatchedEvent } from './prefix-watcher.js';
import { checkQueue } from './queue-checks.js';
import type { QueueEntry } from './queue-checks.js';

const Q = '/q';
const qkey = (index: number): string => `${Q}/${String(index).padStart(20, '0')}`;

function append(id: number, value: string, call: number, ret: number, index?: number): AppendOp {
  return { id, client: id, value, call: call * 1e6, ret: index === undefined ? Infinity : ret * 1e6, output: index === undefined ? undefined : { key: qkey(index), index } };
}

function ev(index: number, action: string, key: string, value?: string, prev?: { value?: string; index: number }): WatchedEvent {
  return { index, action, key, value, prev, member: 0, atMs: index };
}

/** A consistent run: writes on /k, two appends, one of them unanswered but applied. */
function consistent() {
  const h = new HistoryBuilder()
    .add(1, 0, 1, create('a'), ok(5))
    .add(2, 2, 3, casValue('a', 'b'), ok(6))
    .add(3, 4, 5, casIndex(6, 'c'), ok(8))
    .add(1, 6, 7, casValue('a', 'x'), fail(101)) // not applied
    .add(2, 8, undefined, set('d'), undefined) // unanswered, applied
    .add(3, 9, 10, del, ok(10))
    .add(1, 11, 12, get, missing);
  const appends = [append(0, 'p1', 0, 2, 7), append(1, 'p2', 3, 0)];
  const events = [
    ev(5, 'create', '/k', 'a'),
    ev(6, 'compareAndSwap', '/k', 'b', { value: 'a', index: 5 }),
    ev(7, 'create', qkey(7), 'p1'),
    ev(8, 'compareAndSwap', '/k', 'c', { value: 'b', index: 6 }),
    ev(9, 'set', '/k', 'd', { value: 'c', index: 8 }),
    ev(10, 'delete', '/k', undefined, { value: 'd', index: 9 }),
    ev(11, 'create', qkey(11), 'p2'),
  ];
  const listing: QueueEntry[] = [{ key: qkey(7), value: 'p1', index: 7 }, { key: qkey(11), value: 'p2', index: 11 }];
  const finals = new HistoryBuilder().add(-1, 20, 21, get, missing).ops;
  return { ops: h.ops, appends, events, listing, finals };
}

const kinds = (anomalies: { kind: AnomalyKind }[]): AnomalyKind[] => anomalies.map((a) => a.kind).sort();

describe('applied-write checks: duplicates, lost and phantom writes', () => {
  it('accept a consistent history (an unanswered write may or may not be applied)', () => {
    const r = consistent();
    expect(checkAppliedWrites(r.ops, r.appends, r.events, Q)).toEqual([]);
    expect(checkQueue(r.appends, r.listing)).toEqual([]);
    expect(checkFinalState(r.events, r.finals, r.listing, Q)).toEqual([]);
    expect(compareWatchers(r.events, [...r.events])).toEqual([]);
  });

  it('report a POST applied twice, in the events and in the queue listing', () => {
    const r = consistent();
    const events = [...r.events, ev(12, 'create', qkey(12), 'p1')];
    const listing = [...r.listing, { key: qkey(12), value: 'p1', index: 12 }];
    const found = checkAppliedWrites(r.ops, r.appends, events, Q);
    expect(kinds(found)).toEqual(['duplicate']);
    expect(found[0]!.detail).toContain('append #0 "p1" (client 0) applied 2 times');
    const queued = checkQueue(r.appends, listing);
    expect(kinds(queued)).toEqual(['duplicate']);
    expect(queued[0]!.detail).toContain('is in the queue 2 times');
  });

  it('report a compare-and-swap applied twice (its value in two events)', () => {
    const r = consistent();
    // The CAS b -> c is applied again after the set of d: a retry with the compare redone
    // against whatever the key holds then.
    const events = [...r.events.slice(0, 5), ev(10, 'compareAndSwap', '/k', 'c', { value: 'd', index: 9 }), ev(11, 'delete', '/k', undefined, { value: 'c', index: 10 })];
    const h = new HistoryBuilder();
    for (const op of r.ops) h.add(op.client, op.call / 1e6, Number.isFinite(op.ret) ? op.ret / 1e6 : undefined, op.input, op.input.f === 'delete' ? ok(11) : op.output);
    const found = checkAppliedWrites(h.ops, [r.appends[0]!], events, Q);
    expect(kinds(found)).toEqual(['duplicate']);
    expect(found[0]!.detail).toMatch(/#2 cas-index \/k="c" \(client 3\) applied 2 times: compareAndSwap \/k="c" @8 .*, compareAndSwap \/k="c" @10/);
  });

  it('report a write applied although it was answered as failed, and one applied where nothing compared', () => {
    const r = consistent();
    const events = [...r.events.slice(0, 4), ev(9, 'compareAndSwap', '/k', 'x', { value: 'c', index: 8 }), ev(10, 'delete', '/k', undefined, { value: 'x', index: 9 })];
    const found = checkAppliedWrites(r.ops, [r.appends[0]!], events, Q);
    expect(kinds(found)).toEqual(['applied-though-failed', 'compare-mismatch']);
  });

  it('report an acknowledged write missing from the events, or at another index', () => {
    const r = consistent();
    expect(kinds(checkAppliedWrites(r.ops, r.appends, r.events.filter((e) => e.index !== 6 && e.index !== 8), Q))).toEqual(['broken-chain', 'lost', 'lost']);
    const moved = r.events.map((e) => (e.index === 7 ? { ...e, index: 7.5 } : e));
    expect(kinds(checkAppliedWrites(r.ops, r.appends, moved, Q))).toEqual(['wrong-index']);
    expect(kinds(checkAppliedWrites(r.ops, r.appends, r.events.filter((e) => e.action !== 'delete'), Q))).toEqual(['lost']);
  });

  it('report events no operation explains, and events out of order', () => {
    const r = consistent();
    expect(kinds(checkAppliedWrites(r.ops, r.appends, [...r.events, ev(20, 'set', '/k', 'zz')], Q))).toEqual(['phantom']);
    const twoDeletes = [...r.events, ev(12, 'create', '/k', 'q', undefined), ev(13, 'delete', '/k', undefined, { value: 'q', index: 12 })];
    const withQ = new HistoryBuilder();
    for (const op of r.ops) withQ.add(op.client, op.call / 1e6, Number.isFinite(op.ret) ? op.ret / 1e6 : undefined, op.input, op.output);
    withQ.add(4, 13, undefined, create('q'), undefined);
    expect(kinds(checkAppliedWrites(withQ.ops, r.appends, twoDeletes, Q))).toEqual(['phantom']);
    const swapped = [r.events[1]!, r.events[0]!, ...r.events.slice(2)];
    expect(kinds(checkAppliedWrites(r.ops, r.appends, swapped, Q))).toContain('out-of-order');
  });

  it('report a queue entry lost, phantom or out of real-time order', () => {
    const r = consistent();
    expect(kinds(checkQueue(r.appends, r.listing.slice(1)))).toEqual(['lost']);
    expect(kinds(checkQueue(r.appends, [...r.listing, { key: qkey(30), value: 'nobody', index: 30 }]))).toEqual(['phantom']);
    // p1 acknowledged (ret 2 ms) before p3 was sent (call 3 ms), but p3 got the lower index.
    const late = [...r.appends, append(2, 'p3', 3, 4, 6)];
    expect(kinds(checkQueue(late, [{ key: qkey(6), value: 'p3', index: 6 }, ...r.listing]))).toEqual(['out-of-order']);
  });

  it('report a final state or queue listing the events do not lead to, and two watchers that disagree', () => {
    const r = consistent();
    expect(kinds(checkFinalState(r.events, new HistoryBuilder().add(-1, 20, 21, get, read('d', 9)).ops, r.listing, Q))).toEqual(['final-mismatch']);
    expect(kinds(checkFinalState(r.events.filter((e) => e.index !== 11), r.finals, r.listing, Q))).toEqual(['final-mismatch']);
    expect(kinds(checkFinalState(r.events, r.finals, r.listing.slice(1), Q))).toEqual(['final-mismatch']);
    expect(kinds(compareWatchers(r.events, r.events.filter((e) => e.index !== 9)))).toEqual(['watchers-disagree']);
  });
});
