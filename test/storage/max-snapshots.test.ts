// etcd's --max-snapshots as DurableLog's maxSnapshots: etcd purges the oldest .snap files of its
// snap directory while there are more than N (0 = keep all, no purging), and does so from its
// start. raftkv writes one <term>-<index>.snap file per snapshot, so N counts files as in etcd.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DurableLog } from '../../src/storage/durable-log.js';
import type { DurableLogOptions } from '../../src/storage/durable-log.js';
import { entries, snapDirOf, snapshot, storageFixture } from './helpers.js';

const fx = storageFixture();

function fileOf(index: number, term = 2): string {
  return `${term.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.snap`;
}

async function snapFiles(dir: string): Promise<string[]> {
  return (await readdir(snapDirOf(dir))).filter((n) => n.endsWith('.snap')).sort();
}

/** A log with entries 1..100 of term 2 and a local snapshot at each of `indexes`. */
async function logWithSnapshots(dir: string, indexes: number[], opts: DurableLogOptions) {
  const log = await fx.open(dir, opts);
  await log.save({ entries: entries(1, 100, 2), hardState: { term: 2, vote: 'a', commit: 100 } }, true);
  for (const i of indexes) await log.saveSnapshot(snapshot(i, 2));
  return log;
}

describe('--max-snapshots (DurableLog maxSnapshots)', () => {
  it('keeps the newest N snapshot files and loads the newest', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10, 20, 30, 40], { maxSnapshots: 2 })).close();
    expect(await snapFiles(dir)).toEqual([fileOf(30), fileOf(40)]);
    expect((await (await fx.open(dir, { maxSnapshots: 2 })).load()).snapshot!.metadata.index).toBe(40);
  });

  it('0 keeps every snapshot file, as etcd does not purge at all then', async () => {
    const dir = await fx.dataDir();
    const indexes = [10, 20, 30, 40, 50, 60, 70, 80];
    await (await logWithSnapshots(dir, indexes, { maxSnapshots: 0 })).close();
    expect(await snapFiles(dir)).toEqual(indexes.map((i) => fileOf(i)));
    const state = await (await fx.open(dir, { maxSnapshots: 0 })).load();
    expect(state.snapshot!.metadata.index).toBe(80);
    expect(Buffer.from(state.snapshot!.data).toString()).toBe('state@80');
  });

  it('counts snapshots received from the leader like those taken locally', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir, { maxSnapshots: 1 });
    await log.save({ snapshot: snapshot(10, 3), hardState: { term: 3, vote: '', commit: 10 }, entries: [] }, true);
    await log.save({ snapshot: snapshot(20, 3), hardState: { term: 3, vote: '', commit: 20 }, entries: [] }, true);
    expect(await snapFiles(dir)).toEqual([fileOf(20, 3)]);
    await log.close();
    expect((await (await fx.open(dir, { maxSnapshots: 1 })).load()).snapshot!.metadata.index).toBe(20);
  });

  it('a log reopened with a lower limit trims to the newest N once loaded, before any new snapshot', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10, 20, 30, 40, 50], { maxSnapshots: 0 })).close();
    const log = await fx.open(dir, { maxSnapshots: 2 });
    expect((await log.load()).snapshot!.metadata.index).toBe(50);
    expect(await snapFiles(dir)).toEqual([fileOf(40), fileOf(50)]);
    await log.close();
    // The records went with the files: a later open with no limit finds only those two.
    await (await fx.open(dir, { maxSnapshots: 0 })).load();
    expect(await snapFiles(dir)).toEqual([fileOf(40), fileOf(50)]);
  });

  it('any uint etcd accepts is a limit, even one too large to reach', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10, 20, 30, 40, 50, 60], { maxSnapshots: Number(2n ** 64n - 1n) })).close();
    expect(await snapFiles(dir)).toHaveLength(6);
  });

  it('a limit that is not a whole number of files is refused', async () => {
    const dir = await fx.dataDir();
    for (const maxSnapshots of [-1, 1.5, Number.NaN]) {
      await expect(DurableLog.open(dir, { maxSnapshots })).rejects.toThrow(/maxSnapshots/);
    }
  });
});
