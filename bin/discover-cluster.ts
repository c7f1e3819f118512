// Where a member with no data finds its initial cluster when etcd's discovery flags ask for it:
// the discovery service (--discovery) or DNS SRV records (--discovery-srv). The result replaces
// --initial-cluster (and, with --discovery, the token: etcd uses the discovery URL as the token),
// so identity.ts bootstraps from it as from flags. A member that finds the discovered cluster full
// and was told --discovery-fallback proxy gets `kind: 'proxy'` with the cluster to proxy to.
import type { InitialClusterMember, MemberConfig } from '../src/server/config.js';
import { formatId, memberIdFor } from '../src/server/ids.js';
import type { DiscoveryHttp } from '../src/discovery/keys-client.js';
import { Discovery, DiscoveryError, DISCOVERY_ERRORS, FullCluster } from '../src/discovery/protocol.js';
import type { DiscoveryLog } from '../src/discovery/protocol.js';
import { srvClusterPairs } from '../src/discovery/srv.js';
import type { SrvResolver } from '../src/discovery/srv.js';
import { GoValueError } from './go-values.js';
import { clusterString, parseInitialCluster } from './initial-cluster.js';

export type Bootstrap = { kind: 'member'; config: MemberConfig } | { kind: 'proxy'; initialCluster: InitialClusterMember[] };

export interface DiscoverySeams {
  http: DiscoveryHttp;
  resolver: SrvResolver;
  sleep: (ms: number) => Promise<void>;
  log: DiscoveryLog;
}

/** The config to bootstrap with: `config` itself unless a discovery flag is set. */
export async function discoverBootstrap(config: MemberConfig, seams: DiscoverySeams): Promise<Bootstrap> {
  if (config.discovery) return fromDiscoveryService(config, config.discovery.url, seams);
  if (config.discoverySrv) return { kind: 'member', config: { ...config, initialCluster: await fromSrv(config, config.discoverySrv, seams) } };
  return { kind: 'member', config };
}

async function fromDiscoveryService(config: MemberConfig, url: string, seams: DiscoverySeams): Promise<Bootstrap> {
  const self = { name: config.name, peerUrls: config.initialAdvertisePeerUrls };
  // As etcd: registered under the id this member would have in a cluster of itself, token = URL.
  const discovery = new Discovery({ url, ...seams }, formatId(memberIdFor(self.peerUrls, url)));
  let cluster;
  try {
    cluster = (await discovery.joinCluster(clusterString([self]))).cluster;
  } catch (err) {
    if (err instanceof FullCluster && config.discovery?.fallback === 'proxy') {
      seams.log.warn({ fallbackProxy: 'proxy' }, 'discovery cluster is full, falling back to proxy');
      return { kind: 'proxy', initialCluster: parseCluster((await discovery.getCluster()).cluster) };
    }
    throw new Error(`failed to join discovery cluster (${(err as Error).message})\n${advice(err as Error, config, url)}`);
  }
  const initialCluster = parseCluster(cluster);
  const urls = initialCluster.flatMap((m) => m.peerUrls);
  if (new Set(urls).size !== urls.length) throw new Error(`discovery cluster ${clusterString(initialCluster)} has duplicate url`);
  return { kind: 'member', config: { ...config, initialCluster, initialClusterToken: url } };
}

/** etcdmain's words after a failed discovery. */
function advice(err: Error, config: MemberConfig, url: string): string {
  if (err instanceof DiscoveryError && err.message === DISCOVERY_ERRORS.duplicateId) {
    return [
      `member ${JSON.stringify(config.name)} has previously registered with discovery service token (${url}).`,
      `But raftkv could not find valid cluster configuration in the given data dir (${config.dataDir}).`,
      'Please check the given data dir path if the previous bootstrap succeeded',
      'or use a new discovery token if the previous bootstrap failed.',
    ].join('\n');
  }
  if (err instanceof DiscoveryError && err.message === DISCOVERY_ERRORS.duplicateName) {
    return [
      `member with duplicated name has registered with discovery service token(${url}).`,
      'please check (cURL) the discovery token for more information.',
      'please do not reuse the discovery token and generate a new one to bootstrap the cluster.',
    ].join('\n');
  }
  return `discovery token ${url} was used, but failed to bootstrap the cluster.\nplease generate a new discovery token and try to bootstrap again.`;
}

function parseCluster(text: string): InitialClusterMember[] {
  try {
    return parseInitialCluster(text);
  } catch (err) {
    if (err instanceof GoValueError) throw new Error(`failed to join discovery cluster (${DISCOVERY_ERRORS.invalidUrl})`);
    throw err;
  }
}

async function fromSrv(config: MemberConfig, srv: { domain: string; serviceName: string }, seams: DiscoverySeams): Promise<InitialClusterMember[]> {
  let pairs;
  try {
    pairs = await srvClusterPairs({ ...srv, name: config.name, advertisePeerUrls: config.initialAdvertisePeerUrls }, seams.resolver);
  } catch (err) {
    throw new Error(`error setting up initial cluster: ${(err as Error).message}`);
  }
  for (const pair of pairs) seams.log.info({ node: pair }, 'got bootstrap from DNS for etcd-server');
  const initialCluster = parseInitialCluster(pairs.join(','));
  if (!initialCluster.some((m) => m.name === config.name)) {
    throw new Error(`error setting up initial cluster: cannot find local etcd member ${JSON.stringify(config.name)} in SRV records`);
  }
  const urls = initialCluster.flatMap((m) => m.peerUrls);
  if (new Set(urls).size !== urls.length) throw new Error(`initial cluster ${clusterString(initialCluster)} has duplicate url`);
  return initialCluster;
}
