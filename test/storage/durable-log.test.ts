import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../raft/index.js';
import { entries, entry, plain, snapshot, storageFixture } from './helpers.js';

const fx = storageFixture();

/** Entries 1..count (term 1) saved to a fresh data dir, read back by a new DurableLog. */
async function savedAndReloaded(count: number): Promise<Entry[]> {
  const dir = await fx.dataDir();
  const log = await fx.open(dir);
  await log.save({ entries: entries(1, count, 1) }, false);
  await log.close();
  return (await (await fx.open(dir)).load()).entries;
}

describe('DurableLog save and load', () => {
  it('a fresh data dir loads as an empty log and gets member/log and member/snap', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    const state = await log.load();
    expect(state).toEqual({ hardState: { term: 0, vote: '', commit: 0 }, confState: undefined, snapshot: undefined, entries: [], meta: {} });
    expect((await stat(join(dir, 'member', 'log'))).isDirectory()).toBe(true);
    expect((await stat(join(dir, 'member', 'snap'))).isDirectory()).toBe(true);
  });

  it('hard state, entries and meta survive closing and reopening', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ hardState: { term: 2, vote: 'b', commit: 3 }, entries: entries(1, 3, 1) }, true);
    await log.save({ entries: [entry(4, 2)] }, false);
    await log.setMeta('memberId', '8e9e05c52164694d');
    await log.setMeta('members', [{ id: 'a', peerURLs: ['http://127.0.0.1:2380'] }]);
    await log.close();

    const state = await (await fx.open(dir)).load();
    expect(state.hardState).toEqual({ term: 2, vote: 'b', commit: 3 });
    expect(plain(state.entries)).toEqual(plain([...entries(1, 3, 1), entry(4, 2)]));
    expect(state.entries[0]!.data).toBeInstanceOf(Uint8Array);
    expect(state.meta).toEqual({ memberId: '8e9e05c52164694d', members: [{ id: 'a', peerURLs: ['http://127.0.0.1:2380'] }] });
  });

  it('entries keep index order past the point where decimal keys would sort wrongly', async () => {
    const loaded = await savedAndReloaded(300);
    expect(loaded.map((e) => e.index)).toEqual(entries(1, 300, 1).map((e) => e.index));
  });

  it('a log longer than one read batch loads whole and in order', async () => {
    // scanRange reads 1000 records per native call: 2500 entries span three batches, the last partial.
    expect(plain(await savedAndReloaded(2500))).toEqual(plain(entries(1, 2500, 1)));
  });

  it('a new entry at index i replaces i and every later persisted entry', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 6, 1) }, true);
    await log.save({ entries: [entry(4, 2), entry(5, 2)] }, true);
    await log.close();
    const reopened = await fx.open(dir);
    expect(plain((await reopened.load()).entries)).toEqual(plain([...entries(1, 3, 1), entry(4, 2), entry(5, 2)]));

    // The log's bounds follow the truncation: appending right after it leaves no stale entry 6.
    await reopened.save({ entries: [entry(6, 3)] }, true);
    expect(plain((await reopened.load()).entries).at(-1)).toEqual(plain([entry(6, 3)])[0]);
  });

  it('a snapshot received from the leader replaces the whole log and later entries follow it', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 12, 1), hardState: { term: 1, vote: 'a', commit: 5 } }, true);
    await log.save({ snapshot: snapshot(10, 3), hardState: { term: 3, vote: '', commit: 10 }, entries: [] }, true);
    await log.save({ entries: entries(11, 12, 3) }, true);
    await log.close();

    const state = await (await fx.open(dir)).load();
    expect(state.snapshot!.metadata).toEqual(snapshot(10, 3).metadata);
    expect(Buffer.from(state.snapshot!.data).toString()).toBe('state@10');
    expect(state.confState).toEqual({ voters: ['a', 'b', 'c'], learners: [] });
    expect(state.hardState.commit).toBe(10);
    // Old entries 11 and 12 of term 1 are gone, not resurrected beside the leader's.
    expect(plain(state.entries)).toEqual(plain(entries(11, 12, 3)));
  });

  it('entries in the same Ready as a received snapshot are saved after it', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ snapshot: snapshot(20, 4), hardState: { term: 4, vote: '', commit: 20 }, entries: entries(21, 22, 4) }, true);
    const state = await log.load();
    expect(state.snapshot!.metadata.index).toBe(20);
    expect(plain(state.entries)).toEqual(plain(entries(21, 22, 4)));
  });

  it('compaction drops entries through the index and load still returns the entries after the snapshot', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 20, 1), hardState: { term: 1, vote: 'a', commit: 20 } }, true);
    await log.saveSnapshot(snapshot(15, 1));
    await log.compact(10);
    await log.save({ entries: [entry(21, 1)] }, true);
    await log.close();

    const reopened = await fx.open(dir);
    const state = await reopened.load();
    expect(state.snapshot!.metadata.index).toBe(15);
    expect(plain(state.entries)).toEqual(plain(entries(16, 21, 1)));
    // The bounds are read back on open: compacting further deletes 11..15 and keeps the rest.
    await reopened.compact(15);
    expect(plain((await reopened.load()).entries)).toEqual(plain(entries(16, 21, 1)));
  });

  it('a compaction longer than one delete batch lets saves in between and leaves the same log', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 5000, 1), hardState: { term: 1, vote: 'a', commit: 5000 } }, true);
    await log.saveSnapshot(snapshot(4990, 1));
    const order: string[] = [];
    const compacted = log.compact(4980).then(() => order.push('compacted'));
    const saved = log.save({ entries: [entry(5001, 1)] }, true).then(() => order.push('saved'));
    await Promise.all([compacted, saved]);
    // 4,980 deletes take three batches; the save went between them.
    expect(order).toEqual(['saved', 'compacted']);
    await log.close();
    const state = await (await fx.open(dir)).load();
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 11 }, (_, i) => 4991 + i));
  });

  it("a snapshot's file is written beside the queue: a save issued after it lands first", async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 10, 1) }, true);
    const order: string[] = [];
    // A file big enough that writing it takes longer than one small save.
    const snapshotted = log.saveSnapshot(snapshot(10, 1, Buffer.alloc(32 << 20, 7))).then(() => order.push('snapshot'));
    const saved = log.save({ entries: [entry(11, 1)] }, true).then(() => order.push('save'));
    await Promise.all([snapshotted, saved]);
    expect(order).toEqual(['save', 'snapshot']);
    await log.close();
    const state = await (await fx.open(dir)).load();
    expect(state.snapshot!.metadata.index).toBe(10);
    expect(state.entries.map((e) => e.index)).toEqual([11]);
  });

  it('compaction past the newest snapshot is refused', async () => {
    const log = await fx.open(await fx.dataDir());
    await log.save({ entries: entries(1, 10, 1) }, true);
    await log.saveSnapshot(snapshot(5, 1));
    await expect(log.compact(6)).rejects.toThrow(/newest snapshot is at 5/);
    expect((await log.load()).entries.map((e) => e.index)).toEqual([6, 7, 8, 9, 10]);
  });

  it('entries that would leave a gap or rewrite a snapshotted index are refused and nothing is written', async () => {
    const log = await fx.open(await fx.dataDir());
    await log.save({ entries: entries(1, 5, 1) }, true);
    await log.saveSnapshot(snapshot(3, 1));
    await expect(log.save({ entries: [entry(7, 1)], hardState: { term: 9, vote: '', commit: 0 } }, true)).rejects.toThrow(/gap after 5/);
    await expect(log.save({ entries: [entry(3, 2)] }, true)).rejects.toThrow(/snapshot at 3 covers it/);
    await expect(log.save({ entries: [entry(6, 1), entry(8, 1)] }, true)).rejects.toThrow(/not contiguous/);
    const state = await log.load();
    expect(state.hardState.term).toBe(0);
    expect(plain(state.entries)).toEqual(plain(entries(4, 5, 1)));
  });

  it('a meta value set twice keeps the last value', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.setMeta('clusterId', 'one');
    await log.setMeta('clusterId', 'two');
    await log.close();
    expect((await (await fx.open(dir)).load()).meta).toEqual({ clusterId: 'two' });
  });
});
