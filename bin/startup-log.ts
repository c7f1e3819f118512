// etcd 3.4's start-up lines (embed/etcd.go, etcdserver/raft.go) under its messages and field
// names, so what waits for or reads etcd's start finds raftkv's. Nothing secret is among them: no
// discovery URL (its token) and no discovery proxy (it may hold credentials).
import { availableParallelism } from 'node:os';
import type { MemberConfig } from '../src/server/config.js';
import { formatId } from '../src/server/ids.js';
import { ETCD_SERVER_VERSION, RAFTKV_VERSION } from '../src/server/version.js';

export const STARTING = 'starting an etcd server';
export const SERVING = 'now serving peer/client/metrics';

/** Logged once the data directory is open, before the member knows its id (as etcd's StartEtcd). */
export function startingFields(config: MemberConfig, memberInitialized: boolean): Record<string, unknown> {
  return {
    'etcd-version': ETCD_SERVER_VERSION,
    'raftkv-version': RAFTKV_VERSION,
    'node-version': process.version,
    os: process.platform,
    arch: process.arch,
    'max-cpu-available': availableParallelism(),
    'member-initialized': memberInitialized,
    name: config.name,
    'data-dir': config.dataDir,
    'force-new-cluster': config.forceNewCluster,
    'heartbeat-interval': goDuration(config.heartbeatIntervalMs),
    'election-timeout': goDuration(config.electionTimeoutMs),
    'snapshot-count': config.snapshotCount,
    'max-snapshots': config.maxSnapshots,
    'initial-advertise-peer-urls': config.initialAdvertisePeerUrls,
    'listen-peer-urls': config.listenPeerUrls,
    'advertise-client-urls': config.advertiseClientUrls,
    'listen-client-urls': config.listenClientUrls,
    cors: config.cors,
    'initial-cluster': initialClusterText(config),
    'initial-cluster-state': config.initialClusterState,
    'initial-cluster-token': config.initialClusterToken,
    'pre-vote': config.preVote,
  };
}

/** etcdserver's "starting local member" / "restarting local member", once the ids are known. */
export function localMemberLine(how: 'founded' | 'joined' | 'restarted', memberId: string, clusterId: string): [Record<string, unknown>, string] {
  const fields = { 'local-member-id': formatId(memberId), 'cluster-id': formatId(clusterId), bootstrap: how };
  return [fields, how === 'restarted' ? 'restarting local member' : 'starting local member'];
}

export function servingFields(config: MemberConfig, memberId: string): Record<string, unknown> {
  return {
    'local-member-id': formatId(memberId),
    'initial-advertise-peer-urls': config.initialAdvertisePeerUrls,
    'listen-peer-urls': config.listenPeerUrls,
    'advertise-client-urls': config.advertiseClientUrls,
    'listen-client-urls': config.listenClientUrls,
  };
}

/** etcd's types.URLsMap String(): every name=url pair, sorted. */
function initialClusterText(config: MemberConfig): string {
  return config.initialCluster.flatMap((m) => m.peerUrls.map((url) => `${m.name}=${url}`)).sort().join(',');
}

/** Go's time.Duration String() for the whole milliseconds a valid configuration holds (under a minute). */
function goDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
