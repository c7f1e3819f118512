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
