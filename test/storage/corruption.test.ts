import { describe, expect, it } from 'vitest';
import { CorruptLogError } from '../../src/storage/durable-log.js';
import { HARD_STATE_KEY, entryKey } from '../../src/storage/log-keys.js';
import { encodeEntry } from '../../src/storage/log-records.js';
import { entries, entry, openRawDb, snapshot, storageFixture } from './helpers.js';

const fx = storageFixture();

/** Writes a healthy log, lets `tamper` change the raw LevelDB, and returns what load() throws. */
async function loadAfterTampering(prepare: (dir: string) => Promise<void>, tamper: (db: Awaited<ReturnType<typeof openRawDb>>) => Promise<void>) {
  const dir = await fx.dataDir();
  await prepare(dir);
  const db = await openRawDb(dir);
  await tamper(db);
  await db.close();
  return (await fx.open(dir)).load().then(
    () => undefined,
    (err: unknown) => err,
  );
}

async function tenEntries(dir: string): Promise<void> {
  const log = await fx.open(dir);
  await log.save({ entries: entries(1, 10, 1), hardState: { term: 1, vote: 'a', commit: 8 } }, true);
  await log.close();
}

describe('load detects damaged state', () => {
  it('a flipped byte in a stored entry fails load with a checksum error naming the index', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      const value = (await db.get(entryKey(7)))!;
      value[value.length - 1] ^= 0x01;
      await db.put(entryKey(7), value);
    });
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err).toMatchObject({ what: 'checksum mismatch', where: 'entry 7', index: 7 });
  });

  it('a valid entry record copied under another index fails its checksum there', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      await db.put(entryKey(4), (await db.get(entryKey(3)))!);
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', what: 'checksum mismatch', index: 4 });
  });

  it('an entry missing from the middle of the log fails load as a gap at that index', async () => {
    const err = await loadAfterTampering(tenEntries, (db) => db.del(entryKey(5)));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err).toMatchObject({ where: 'entry 5', index: 5 });
    expect((err as Error).message).toMatch(/gap in entry indexes/);
  });

  it('a log whose first entries are missing with no snapshot behind them fails load', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      await db.del(entryKey(1));
      await db.del(entryKey(2));
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', index: 1 });
    expect((err as Error).message).toMatch(/entries start at 3, leaving a gap after the start of the log/);
  });

  it('a lost tail below the commit index fails load', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      for (const i of [8, 9, 10]) await db.del(entryKey(i));
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', index: 8 });
    expect((err as Error).message).toMatch(/commits 8 but the log ends at 7/);
  });

  it('an entry whose term is below its predecessor fails load', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      const { key, value } = encodeEntry(entry(6, 0));
      await db.put(key, value);
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', index: 6 });
  });

  it('a damaged hard state fails load', async () => {
    const err = await loadAfterTampering(tenEntries, async (db) => {
      const value = (await db.get(HARD_STATE_KEY))!;
      value[5] ^= 0x40;
      await db.put(HARD_STATE_KEY, value);
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', where: 'hard state' });
  });

  it('an entry at the snapshot index with a different term fails load', async () => {
    const prepare = async (dir: string) => {
      const log = await fx.open(dir);
      await log.save({ entries: entries(1, 10, 2) }, true);
      await log.saveSnapshot(snapshot(6, 2));
      await log.close();
    };
    const err = await loadAfterTampering(prepare, async (db) => {
      // Entries 1..6 restated with term 1: still non-decreasing, but 6 disagrees with the snapshot.
      for (const e of entries(1, 6, 1)) {
        const { key, value } = encodeEntry(e);
        await db.put(key, value);
      }
    });
    expect(err).toMatchObject({ name: 'CorruptLogError', where: 'entry 6', index: 6 });
  });

  it('the untampered log loads (the damage, not the setup, is what fails)', async () => {
    const err = await loadAfterTampering(tenEntries, async () => {});
    expect(err).toBeUndefined();
  });
});
