// The typed records of the log database, each a checksummed msgpack value under its key.
// Entries are stored as [term, type, data]: the index is the key, which the checksum covers.
import type { Entry, EntryType, HardState, SnapshotMetadata } from '../../raft/index.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { HARD_STATE_KEY, entryIndexOf, entryKey, snapshotKey } from './log-keys.js';

type StoredEntry = [term: number, type: EntryType, data: Uint8Array];
type StoredHardState = [term: number, vote: string, commit: number];

export function encodeEntry(e: Entry): { key: string; value: Buffer } {
  const key = entryKey(e.index);
  const stored: StoredEntry = [e.term, e.type, e.data];
  return { key, value: encodeRecord(key, stored) };
}

export function decodeEntry(key: string, value: Buffer): Entry {
  const [term, type, data] = decodeRecord(key, value) as StoredEntry;
  return { term, index: entryIndexOf(key), type, data };
}

export function encodeHardState(hs: HardState): Buffer {
  const stored: StoredHardState = [hs.term, hs.vote, hs.commit];
  return encodeRecord(HARD_STATE_KEY, stored);
}

export function decodeHardState(value: Buffer): HardState {
  const [term, vote, commit] = decodeRecord(HARD_STATE_KEY, value) as StoredHardState;
  return { term, vote, commit };
}

export function encodeSnapshotRecord(meta: SnapshotMetadata): { key: string; value: Buffer } {
  const key = snapshotKey(meta.index);
  return { key, value: encodeRecord(key, meta) };
}

export function decodeSnapshotRecord(key: string, value: Buffer): SnapshotMetadata {
  return decodeRecord(key, value) as SnapshotMetadata;
}
