import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/types.js';
import type { Entry, Snapshot } from '../../raft/types.js';
import { Random } from './random.js';
import { SimDisk } from './sim-disk.js';
import type { DiskLife } from './sim-disk.js';
import { SimTime } from './sim-time.js';

const founders = { voters: ['n1', 'n2', 'n3'], learners: [] };

function entries(from: number, count: number, term = 1): Entry[] {
  return Array.from({ length: count }, (_, i) => ({ index: from + i, term, type: EntryType.Normal, data: new Uint8Array([from + i]) }));
}

function snapshot(index: number): Snapshot {
  return { data: new Uint8Array(), metadata: { index, term: 1, confState: founders } };
}

function life(overrides: Partial<DiskLife> = {}): DiskLife & { dead(): void } {
  let alive = true;
  return { alive: () => alive, beforeSave: () => true, landed: () => undefined, dead: () => (alive = false), ...overrides };
}

function disk(latency = { min: 3, max: 3 }): { time: SimTime; disk: SimDisk } {
  const time = new SimTime();
  return { time, disk: new SimDisk(founders, time, latency, new Random(1)) };
}

describe("a simulated member's disk", () => {
  it('lands a write after its latency; until then the driver sees its entries in flight and a restart would not', async () => {
    const { time, disk: d } = disk();
    const log = d.open(life());
    let done = false;
    void log.save({ entries: entries(1, 2), hardState: { term: 1, vote: 'n1', commit: 0 } }, true).then(() => (done = true));
    expect(d.entryAt(2)?.index).toBe(2);
    expect(d.load().entries).toEqual([]);
    await time.runUntil(2, () => undefined);
    expect(done).toBe(false);
    await time.runUntil(3, () => undefined);
    expect(done).toBe(true);
    expect(d.load().entries.map((e) => e.index)).toEqual([1, 2]);
    expect(d.hardState.vote).toBe('n1');
  });

  it('loses a write in flight when its member dies: it never lands and never answers', async () => {
    const { time, disk: d } = disk();
    const first = life();
    const log = d.open(first);
    await Promise.all([log.save({ entries: entries(1, 1) }, true), time.runUntil(5, () => undefined)]);
    let settled = false;
    void log.save({ entries: entries(2, 1) }, true).finally(() => (settled = true));
    first.dead();
    await time.runUntil(50, () => undefined);
    expect(settled).toBe(false);
    expect(d.load().entries.map((e) => e.index)).toEqual([1]);
  });

  it('lets a member die instead of writing, when its life says so before the write', async () => {
    const { time, disk: d } = disk();
    const log = d.open(life({ beforeSave: () => false }));
    let settled = false;
    void log.save({ entries: entries(1, 1) }, true).finally(() => (settled = true));
    await time.runUntil(50, () => undefined);
    expect(settled).toBe(false);
    expect(d.load().entries).toEqual([]);
  });

  it('lands writes in the order they were issued, whatever their latencies', async () => {
    const { time, disk: d } = disk({ min: 0, max: 8 });
    const log = d.open(life());
    const order: number[] = [];
    const writes = [1, 2, 3, 4].map((i) => log.save({ entries: entries(i, 1) }, true).then(() => order.push(i)));
    await Promise.all([...writes, time.runUntil(50, () => undefined)]);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('refuses a snapshot that is not newer than the one it holds', async () => {
    const { time, disk: d } = disk();
    const log = d.open(life());
    await Promise.all([log.save({ entries: entries(1, 5) }, true), time.runUntil(5, () => undefined)]);
    await Promise.all([log.saveSnapshot(snapshot(4)), time.runUntil(10, () => undefined)]);
    await expect(log.saveSnapshot(snapshot(4))).rejects.toThrow(/monotonic state.*snapshot at 4 was taken over the one on disk at 4/);
    await expect(log.save({ entries: [], snapshot: snapshot(3) }, true)).rejects.toThrow(/monotonic state.*snapshot at 3 was installed/);
  });
});
