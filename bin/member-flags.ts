// The etcd flags that place one member of a cluster on one machine: its name, data, client and
// peer URLs, and the cluster it founds or joins. The local cluster, the benchmark harness and the
// multi-process tests all start members with these (and add their own timing flags).

export interface MemberPlacement {
  name: string;
  dataDir: string;
  clientUrl: string;
  /** The peer URL the member advertises: the one the other members dial. */
  peerUrl: string;
  /** Where it listens for peers, when something (a test's fault proxy) forwards peerUrl there; else peerUrl. */
  listenPeerUrl?: string;
  /** `name=peerURL,...` for every member of the cluster being founded or joined. */
  initialCluster: string;
  initialClusterToken: string;
  /** 'existing' for a member added at runtime (etcdctl member add). */
  initialClusterState: 'new' | 'existing';
  /** A discovery URL to bootstrap from instead of the three --initial-cluster flags. */
  discovery?: string;
}

export function memberFlags(m: MemberPlacement): string[] {
  return [
    '--name', m.name,
    '--data-dir', m.dataDir,
    '--listen-client-urls', m.clientUrl,
    '--advertise-client-urls', m.clientUrl,
    '--listen-peer-urls', m.listenPeerUrl ?? m.peerUrl,
    '--initial-advertise-peer-urls', m.peerUrl,
    ...(m.discovery
      ? ['--discovery', m.discovery]
      : ['--initial-cluster', m.initialCluster, '--initial-cluster-state', m.initialClusterState, '--initial-cluster-token', m.initialClusterToken]),
  ];
}
