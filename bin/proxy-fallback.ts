// A member whose discovered cluster is full becomes a v2 proxy of that cluster
// (--discovery-fallback proxy, etcd 3.4's default), as etcd's startProxy does after discovery.
import type { InitialClusterMember, MemberConfig } from '../src/server/config.js';
import type { Logger } from '../src/server/logger.js';
import { serveProxy } from './serve-proxy.js';

export function startDiscoveredProxy(config: MemberConfig, initialCluster: InitialClusterMember[], logger: Logger): Promise<void> {
  return serveProxy({ ...config, proxy: { ...config.proxy, mode: 'on' } }, initialCluster.flatMap((m) => m.peerUrls), logger);
}
