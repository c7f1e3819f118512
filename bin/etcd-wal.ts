// An etcd member's write-ahead log read back: the raft entries it holds, the snapshots it
// recorded, and the commit index of its last HardState. Each record is framed by an 8-byte little-endian
// length whose top byte, when its high bit is set, gives the padding after the record in its low
// 3 bits; a zero length is the preallocated end of a file. Later entries at an index replace
// earlier ones there and everything after (a new leader's log), as etcd's WAL ReadAll does.
// Records are not CRC-checked: this reads a member that stopped, not one that may have torn.
import { readFileSync } from 'node:fs';
import { decode } from './etcd-proto.js';
import type { Entry } from './etcd-proto.js';

const ENTRY_RECORD = 2;
const STATE_RECORD = 3;
const SNAPSHOT_RECORD = 5;

export interface WalContents {
  /** In index order. */
  entries: Entry[];
  /** The last HardState's commit index. */
  commit: number;
  /** Snapshot indexes the WAL records (etcd wrote each into the WAL as it saved the .snap file). */
  snapshotIndexes: Set<number>;
}

export function readWal(files: string[]): WalContents {
  const entries: Entry[] = [];
  let commit = 0;
  const snapshotIndexes = new Set<number>();
  for (const data of records(files)) {
    if (data.type === ENTRY_RECORD && data.data) {
      const entry = decode.entry(data.data);
      while (entries.length > 0 && (entries.at(-1)!.index ?? 0) >= (entry.index ?? 0)) entries.pop();
      entries.push(entry);
    } else if (data.type === STATE_RECORD && data.data) {
      commit = decode.hardState(data.data).commit ?? commit;
    } else if (data.type === SNAPSHOT_RECORD && data.data) {
      snapshotIndexes.add(decode.walSnapshot(data.data).index ?? 0);
    }
  }
  return { entries, commit, snapshotIndexes };
}

function* records(files: string[]): Generator<ReturnType<typeof decode.walRecord>> {
  for (const file of files) {
    const bytes = readFileSync(file);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 8 <= bytes.length; ) {
      const frame = view.getBigUint64(at, true);
      if (frame === 0n) break;
      const length = Number(frame & 0x00ff_ffff_ffff_ffffn);
      const padding = frame >> 63n ? Number((frame >> 56n) & 7n) : 0;
      if (at + 8 + length > bytes.length) throw new Error(`${file}: a record at byte ${at} runs past the end of the file`);
      yield decode.walRecord(bytes.subarray(at + 8, at + 8 + length));
      at += 8 + length + padding;
    }
  }
}
