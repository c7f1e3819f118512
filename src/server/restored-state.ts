// What `raftkv snapshot restore` seeds each member of a new cluster with: the backed-up store
// (its data and indexes) and auth, under the new cluster's identity. As etcdctl snapshot restore
// does, the old member list is dropped and the new initial cluster's members are added to the
// store, one /0/members/<id>/raftAttributes index each (the founders' records of a fresh start,
// member-records.ts); the cluster version is unset, so the first leader writes /0/version again.
import type { Snapshot } from '../../raft/index.js';
import { Store } from '../store/store.js';
import type { BackupFile } from '../storage/backup-file.js';
import type { IdentityMeta } from './identity.js';
import { recordMemberAdded } from './member-records.js';
import { decodeSnapshotData, encodeSnapshotData } from './snapshot-data.js';

/** The raft snapshot a restored member starts from, at the backup's own index and term. */
export function restoredSnapshot(backup: BackupFile, identity: IdentityMeta): Snapshot {
  const data = decodeSnapshotData(backup.body);
  const store = Store.restore(data.store);
  for (const m of identity.initialMembers.members) recordMemberAdded(store, m.id);
  const body = encodeSnapshotData({ store: store.saveParts(), members: identity.initialMembers, auth: data.auth });
  const { index, term } = backup.header;
  return { metadata: { index, term, confState: identity.bootstrap }, data: body };
}
