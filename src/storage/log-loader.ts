// Reads the durable state back and verifies all of it before anything is applied: every
// record's checksum, entry indexes contiguous with terms that never decrease, the log joining
// its snapshot (no gap after it, the same term at its index), and the commit index inside the
// log. Damage is reported as CorruptLogError, never skipped.
//
// Snapshot choice: the newest recorded snapshot whose file verifies. If that file is damaged
// or missing, an older recorded snapshot is used only when the log still holds every entry from
// just after it through the newest snapshot's index, so the server re-applies those entries and
// nothing committed is lost; otherwise load fails with the newest file's error.
import { NONE } from '../../raft/index.js';
import type { ConfState, Entry, HardState, Snapshot, SnapshotMetadata } from '../../raft/index.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { scanRange } from './log-db.js';
import type { LogDb } from './log-db.js';
import { ENTRY_RANGE, HARD_STATE_KEY, META_RANGE, metaNameOf } from './log-keys.js';
import { decodeEntry, decodeHardState } from './log-records.js';
import { decodeRecord } from './record-codec.js';
import { readSnapshotFile } from './snapshot-files.js';

export interface LoadedState {
  hardState: HardState;
  /** The configuration as of the snapshot; undefined without one (conf changes in `entries` are re-applied). */
  confState: ConfState | undefined;
  snapshot: Snapshot | undefined;
  /** The entries after the snapshot, in index order. */
  entries: Entry[];
  meta: Record<string, unknown>;
}

export interface LoadLogger {
  warn(obj: object, msg: string): void;
}

export async function loadState(db: LogDb, snapDir: string, records: SnapshotMetadata[], logger: LoadLogger): Promise<LoadedState> {
  const storedHardState = await db.get(HARD_STATE_KEY);
  const hardState = storedHardState ? decodeHardState(storedHardState) : { term: 0, vote: NONE, commit: 0 };
  const entries = await readEntries(db);
  const snapshot = await chooseSnapshot(snapDir, records, entries, logger);
  const snapIndex = snapshot?.metadata.index ?? 0;
  checkLogJoinsSnapshot(entries, snapshot);

  const lastIndex = Math.max(snapIndex, entries.at(-1)?.index ?? 0);
  if (hardState.commit > lastIndex) {
    throw new CorruptLogError(`hard state commits ${hardState.commit} but the log ends at ${lastIndex}`, `entry ${lastIndex + 1}`, lastIndex + 1);
  }
  return {
    hardState,
    confState: snapshot?.metadata.confState,
    snapshot,
    entries: entries.filter((e) => e.index > snapIndex),
    meta: await readMeta(db),
  };
}

async function readEntries(db: LogDb): Promise<Entry[]> {
  const entries: Entry[] = [];
  await scanRange(db, ENTRY_RANGE, (key, value) => {
    const entry = decodeEntry(key, value);
    const prev = entries.at(-1);
    if (prev && entry.index !== prev.index + 1) {
      throw new CorruptLogError(`gap in entry indexes (the next stored entry is ${entry.index})`, `entry ${prev.index + 1}`, prev.index + 1);
    }
    if (prev && entry.term < prev.term) {
      throw new CorruptLogError(`term ${entry.term} is below the previous entry's ${prev.term}`, `entry ${entry.index}`, entry.index);
    }
    entries.push(entry);
  });
  return entries;
}

async function chooseSnapshot(snapDir: string, records: SnapshotMetadata[], entries: Entry[], logger: LoadLogger): Promise<Snapshot | undefined> {
  const [newest, ...older] = [...records].reverse();
  if (!newest) return undefined;
  try {
    return await readSnapshotFile(snapDir, newest);
  } catch (newestErr) {
    if (!(newestErr instanceof CorruptLogError)) throw newestErr;
    for (const meta of older.filter((m) => logHolds(entries, m.index + 1, newest.index))) {
      try {
        const snap = await readSnapshotFile(snapDir, meta);
        logger.warn({ err: newestErr.message, snapshotIndex: meta.index }, 'newest snapshot is unusable; using an older one the log still covers');
        return snap;
      } catch (olderErr) {
        if (!(olderErr instanceof CorruptLogError)) throw olderErr;
        logger.warn({ err: olderErr.message }, 'older snapshot is unusable too');
      }
    }
    throw newestErr;
  }
}

/** Whether the (contiguous) entries include every index in [from, through]. */
function logHolds(entries: Entry[], from: number, through: number): boolean {
  const first = entries[0];
  const last = entries.at(-1);
  return first !== undefined && last !== undefined && first.index <= from && last.index >= through;
}

function checkLogJoinsSnapshot(entries: Entry[], snapshot: Snapshot | undefined): void {
  const first = entries[0];
  if (!first) return;
  const snapIndex = snapshot?.metadata.index ?? 0;
  if (first.index > snapIndex + 1) {
    const behind = snapshot ? `snapshot ${snapIndex}` : 'the start of the log';
    throw new CorruptLogError(`entries start at ${first.index}, leaving a gap after ${behind}`, `entry ${snapIndex + 1}`, snapIndex + 1);
  }
  const atSnapshot = entries[snapIndex - first.index] as Entry | undefined;
  if (snapshot && atSnapshot && atSnapshot.term !== snapshot.metadata.term) {
    throw new CorruptLogError(`term ${atSnapshot.term} differs from the snapshot's term ${snapshot.metadata.term}`, `entry ${snapIndex}`, snapIndex);
  }
}

async function readMeta(db: LogDb): Promise<Record<string, unknown>> {
  const meta: Record<string, unknown> = {};
  for await (const [key, value] of db.iterator(META_RANGE)) meta[metaNameOf(key)] = decodeRecord(key, value);
  return meta;
}
