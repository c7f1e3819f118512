// --initial-cluster ("infra1=http://10.0.0.1:2380,infra2=http://10.0.0.2:2380") and the checks etcd
// makes of it before bootstrapping, with etcd's messages. A name may repeat to give one member
// several peer URLs.
import type { InitialClusterMember, MemberConfig } from '../src/server/config.js';
import { parseUrlList } from './etcd-urls.js';

/** types.NewURLsMap; throws with etcd's URL error. Members keep their first-appearance order. */
export function parseInitialCluster(text: string): InitialClusterMember[] {
  const byName = new Map<string, string[]>();
  for (const item of text.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    const url = eq === -1 ? '' : item.slice(eq + 1);
    byName.set(name, [...(byName.get(name) ?? []), url]);
  }
  return [...byName].map(([name, urls]) => ({ name, peerUrls: parseUrlList(urls.join(',')).map((u) => u.text) }));
}

/**
 * etcd's VerifyBootstrap (state new) and VerifyJoinExisting: this member is in the initial
 * cluster, (when new) with exactly the peer URLs it advertises, and no URL belongs to two members.
 * Returns etcd's message, or undefined when the cluster is fine.
 */
export function checkInitialCluster(config: Pick<MemberConfig, 'name' | 'initialCluster' | 'initialClusterState' | 'initialAdvertisePeerUrls'>): string | undefined {
  const self = config.initialCluster.find((m) => m.name === config.name);
  if (!self) return `couldn't find local name ${JSON.stringify(config.name)} in the initial cluster configuration`;
  if (config.initialClusterState === 'new') {
    const mismatch = advertiseMismatch(config.name, config.initialAdvertisePeerUrls, self.peerUrls);
    if (mismatch) return mismatch;
  }
  const urls = config.initialCluster.flatMap((m) => m.peerUrls);
  if (new Set(urls).size !== urls.length) return `initial cluster ${clusterString(config.initialCluster)} has duplicate url`;
  return undefined;
}

function advertiseMismatch(name: string, advertised: readonly string[], inCluster: readonly string[]): string | undefined {
  const ap = [...advertised].sort();
  const cl = [...inCluster].sort();
  if (ap.length === cl.length && ap.every((u, i) => u === cl[i])) return undefined;
  const firstDifference = ap.findIndex((u, i) => u !== cl[i]);
  const why =
    ap.length !== cl.length
      ? `len(${goStrings(ap)}) != len(${goStrings(cl)})`
      : `resolved urls: ${JSON.stringify(ap[firstDifference])} != ${JSON.stringify(cl[firstDifference])}`;
  const notAdvertised = cl.filter((u) => !ap.includes(u));
  if (notAdvertised.length > 0) {
    return `--initial-cluster has ${pairs(name, notAdvertised)} but missing from --initial-advertise-peer-urls=${ap.join(',')} (${why})`;
  }
  const notInCluster = ap.filter((u) => !cl.includes(u));
  if (notInCluster.length > 0) {
    return `--initial-advertise-peer-urls has ${notInCluster.join(',')} but missing from --initial-cluster=${pairs(name, ap)}`;
  }
  return `failed to resolve ${ap.join(',')} to match --initial-cluster=${pairs(name, cl)} (${why})`;
}

/** types.URLsMap.String(): every name=url pair, sorted. */
export function clusterString(members: readonly InitialClusterMember[]): string {
  return members.flatMap((m) => m.peerUrls.map((u) => `${m.name}=${u}`)).sort().join(',');
}

function pairs(name: string, urls: readonly string[]): string {
  return clusterString([{ name, peerUrls: [...urls] }]);
}

/** Go's %q of a []string. */
function goStrings(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}
