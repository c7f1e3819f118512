// A stopped etcd member's v2 key space read from its data directory: the newest snapshot the WAL
// recorded (etcd saves the .snap file before the WAL's record of it, so a newer file alone may
// be half done) and the WAL's committed entries after it, replayed (etcd-v2-replay.ts).
import { dataDirFiles } from './etcd-data-dir.js';
import { readSnapshot } from './etcd-snap.js';
import type { EtcdSnapshot } from './etcd-snap.js';
import { replayKeySpace } from './etcd-v2-replay.js';
import type { KeySpace } from './etcd-v2-replay.js';
import { readWal } from './etcd-wal.js';

export function readMemberKeySpace(dir: string): KeySpace {
  const files = dataDirFiles(dir);
  const wal = readWal(files.wals);
  let snapshot: EtcdSnapshot | undefined;
  for (const file of files.snaps) {
    snapshot = readSnapshot(file);
    if (wal.snapshotIndexes.has(snapshot.raftIndex)) break;
    snapshot = undefined;
  }
  return replayKeySpace(snapshot, wal);
}
