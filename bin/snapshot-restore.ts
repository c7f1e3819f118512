// `raftkv snapshot restore`: a new member's data dir seeded from a backup file, as etcdctl 3.4's
// snapshot restore seeds one for v3. Every member of the new cluster is restored from the same
// file with its own --name; ids come from the new --initial-cluster and --initial-cluster-token,
// so the new cluster never mistakes the old one's members for its own.
import { readFile } from 'node:fs/promises';
import { NONE } from '../raft/index.js';
import { bootstrapIdentity } from '../src/server/identity.js';
import { formatId } from '../src/server/ids.js';
import { restoredSnapshot } from '../src/server/restored-state.js';
import { decodeBackupFile } from '../src/storage/backup-file.js';
import { DurableLog } from '../src/storage/durable-log.js';
import { parseUrlList } from './etcd-urls.js';
import { checkInitialCluster, parseInitialCluster } from './initial-cluster.js';
import { makeDataDir } from './new-data-dir.js';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  name: string;
  initialCluster: string;
  initialClusterToken: string;
  initialAdvertisePeerUrls: string;
}

/** Checks the file and the flags, then writes the data dir; returns what to tell the operator. */
export async function restoreSnapshot(o: RestoreOptions): Promise<string> {
  const backup = decodeBackupFile(await readFile(o.file), o.file);
  const placement = {
    name: o.name,
    initialCluster: parseInitialCluster(o.initialCluster),
    initialClusterToken: o.initialClusterToken,
    initialClusterState: 'new' as const,
    initialAdvertisePeerUrls: parseUrlList(o.initialAdvertisePeerUrls).map((u) => u.text),
  };
  const refusal = checkInitialCluster(placement);
  if (refusal) throw new Error(refusal);
  const identity = bootstrapIdentity(placement);
  const snapshot = restoredSnapshot(backup, identity);
  const { index, term } = snapshot.metadata;
  await makeDataDir(o.dataDir, async (dir) => {
    const log = await DurableLog.open(dir);
    try {
      await log.save({ hardState: { term, vote: NONE, commit: index }, entries: [], snapshot }, true);
      await log.setMeta('identity', identity);
    } finally {
      await log.close();
    }
  });
  return `restored snapshot ${o.file} (index ${index}, term ${term}) into ${o.dataDir}: member ${formatId(identity.memberId)} of cluster ${formatId(identity.clusterId)}`;
}
