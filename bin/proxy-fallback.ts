// The seam where a member whose discovered cluster is full becomes a v2 proxy of that cluster
// (--discovery-fallback proxy, etcd 3.4's default). raftkv's proxy mode is not merged yet, so
// this refuses with a clear message; wiring it means starting the proxy here with `initialCluster`.
import type { InitialClusterMember } from '../src/server/config.js';
import { clusterString } from './initial-cluster.js';

export function startDiscoveredProxy(initialCluster: InitialClusterMember[]): Promise<void> {
  return Promise.reject(
    new Error(
      `discovery: cluster is full (${clusterString(initialCluster)}); falling back to proxy is not available yet: ` +
        'start this member with --discovery-fallback exit, or add it to the cluster (etcdctl member add)',
    ),
  );
}
