// The LevelDB handle and the two small reads open() needs before any load: which snapshots are
// recorded and which entry indexes are persisted (keys only, one from each end).
import { Level } from 'level';
import type { SnapshotMetadata } from '../../raft/index.js';
import { ENTRY_RANGE, SNAPSHOT_RANGE, entryIndexOf } from './log-keys.js';
import { decodeSnapshotRecord } from './log-records.js';

export type LogDb = Level<string, Buffer>;

export async function openLogDb(path: string, opts: { createIfMissing?: boolean } = {}): Promise<LogDb> {
  const db = new Level<string, Buffer>(path, { valueEncoding: 'buffer', ...opts });
  await db.open();
  return db;
}

/** Records per native read when a whole range is scanned (a start reads the entire log). */
const SCAN_BATCH = 1000;

/**
 * Visits the range's records in key order, fetched SCAN_BATCH at a time: `for await` over an
 * iterator costs a promise per record, which made reading a 10k-entry log about half again slower.
 */
export async function scanRange(db: LogDb, range: { gte: string; lt: string }, visit: (key: string, value: Buffer) => void): Promise<void> {
  const iterator = db.iterator(range);
  try {
    for (let batch = await iterator.nextv(SCAN_BATCH); batch.length > 0; batch = await iterator.nextv(SCAN_BATCH)) {
      for (const [key, value] of batch) visit(key, value);
    }
  } finally {
    await iterator.close();
  }
}

/** Recorded snapshots, oldest first; a damaged record throws CorruptLogError. */
export async function readSnapshotRecords(db: LogDb): Promise<SnapshotMetadata[]> {
  const records: SnapshotMetadata[] = [];
  for await (const [key, value] of db.iterator(SNAPSHOT_RANGE)) records.push(decodeSnapshotRecord(key, value));
  return records;
}

/** First and last persisted entry index, or undefined when no entry is stored. */
export async function readEntryBounds(db: LogDb): Promise<{ first: number; last: number } | undefined> {
  const [firstKey] = await db.keys({ ...ENTRY_RANGE, limit: 1 }).all();
  const [lastKey] = await db.keys({ ...ENTRY_RANGE, limit: 1, reverse: true }).all();
  if (firstKey === undefined || lastKey === undefined) return undefined;
  return { first: entryIndexOf(firstKey), last: entryIndexOf(lastKey) };
}
