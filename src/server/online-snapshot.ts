// The body of GET /raftkv/v1/snapshot (`raftkv snapshot save`): this member's state machine at a
// linearizable read point, as a backup file. The read goes through ReadIndex, so every write
// acknowledged anywhere before the request arrived is in it, even on a follower or a deposed leader.
import { encodeBackupFile } from '../storage/backup-file.js';

export interface OnlineSnapshotSource {
  memberId: string;
  clusterId: string;
  /** Resolves once leadership is confirmed and the applied index has reached the read index. */
  readIndex(): Promise<void>;
  applied(): { index: number; term: number };
  snapshotData(): Uint8Array;
}

export async function takeOnlineSnapshot(src: OnlineSnapshotSource): Promise<Buffer[]> {
  await src.readIndex();
  // Entries are applied synchronously within a turn of the event loop, and none runs between
  // these two lines: the data is the state machine at exactly this index.
  const { index, term } = src.applied();
  return encodeBackupFile({ index, term, clusterId: src.clusterId, memberId: src.memberId }, src.snapshotData());
}
