// The members of the local development cluster, laid out like etcd's Procfile: infra1 serves
// clients on 2379 and peers on 12380, infra2 on 22379/22380, infra3 on 32379/32380, and so on.
import { memberFlags } from './member-flags.js';

export const LOCAL_CLUSTER_TOKEN = 'etcd-cluster-1';
/** infra7 would need port 72380. */
export const MAX_LOCAL_MEMBERS = 6;

export interface LocalMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  /** The member's `raftkv` command line. */
  args: string[];
}

export function planLocalCluster(size: number): LocalMember[] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_LOCAL_MEMBERS) {
    throw new Error(`a local cluster has 1 to ${MAX_LOCAL_MEMBERS} members, not ${size}`);
  }
  const layout = Array.from({ length: size }, (_, i) => ({
    name: `infra${i + 1}`,
    clientUrl: `http://127.0.0.1:${i === 0 ? 2379 : (i + 1) * 10000 + 2379}`,
    peerUrl: `http://127.0.0.1:${(i + 1) * 10000 + 2380}`,
  }));
  const initialCluster = layout.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  return layout.map((m) => ({
    ...m,
    dataDir: `${m.name}.raftkv`,
    // A member that already has data ignores initial-cluster-state, as etcd does, so a rerun reuses the data.
    args: memberFlags({ ...m, dataDir: `${m.name}.raftkv`, initialCluster, initialClusterToken: LOCAL_CLUSTER_TOKEN, initialClusterState: 'new' }),
  }));
}
