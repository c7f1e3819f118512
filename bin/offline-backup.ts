// `raftkv backup`: a stopped member's data dir copied into a new one, as etcdctl backup copies an
// etcd v2 member's: the newest snapshot, every log entry after it and the hard state, read and
// verified whole before anything is written. As etcdctl backup does, the copy gets a new member id
// and cluster id, so it can never rejoin the cluster it came from; it is meant to be started with
// --force-new-cluster as a one-member cluster (etcd's force-new-cluster adds the member itself
// when the configuration does not hold its id).
import { randomBytes } from 'node:crypto';
import type { IdentityMeta } from '../src/server/identity.js';
import { formatId } from '../src/server/ids.js';
import { DurableLog } from '../src/storage/durable-log.js';
import { MemberDataError, readStoppedLog } from '../src/storage/stopped-log.js';
import { makeDataDir } from './new-data-dir.js';

export interface BackupOptions {
  dataDir: string;
  backupDir: string;
  warn(message: string): void;
}

const newId = (): string => randomBytes(8).toString('hex');

export async function backupMember(o: BackupOptions): Promise<string> {
  const state = await readStoppedLog(o.dataDir, { warn: (_obj, msg) => o.warn(msg) });
  const identity = state.meta.identity as IdentityMeta | undefined;
  if (!identity) throw new MemberDataError(`${o.dataDir} holds a log but no member identity: the member never started`);
  const copied: IdentityMeta = { ...identity, memberId: newId(), clusterId: newId() };
  await makeDataDir(o.backupDir, async (dir) => {
    const log = await DurableLog.open(dir);
    try {
      await log.save({ hardState: state.hardState, entries: state.entries, snapshot: state.snapshot }, true);
      for (const [key, value] of Object.entries({ ...state.meta, identity: copied })) await log.setMeta(key, value);
    } finally {
      await log.close();
    }
  });
  const snapIndex = state.snapshot?.metadata.index ?? 0;
  return `backed up ${o.dataDir} into ${o.backupDir}: snapshot at ${snapIndex}, ${state.entries.length} entries after it, commit ${state.hardState.commit}; new member ${formatId(copied.memberId)} of cluster ${formatId(copied.clusterId)}`;
}
