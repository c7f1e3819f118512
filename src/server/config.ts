// Everything one member needs to start, already parsed and validated (bin/flags.ts builds it from
// etcd's flags and ETCD_* variables). Defaults are etcd 3.4's, with two differences: the default
// data directory is `${name}.raftkv` where etcd uses `${name}.etcd`, so the two never share one,
// and pre-vote is on (etcd 3.5's default), so a member rejoining after a partition does not
// depose a healthy leader; --pre-vote=false turns it off.

import type { TlsSettings } from '../tls/settings.js';

export type ClusterState = 'new' | 'existing';

/** Levels etcd's --log-level accepts, minus `dpanic` and `panic`, which raftkv treats as `fatal`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One `name=url[,name=url]` group of --initial-cluster; a member may have several peer URLs. */
export interface InitialClusterMember {
  name: string;
  peerUrls: string[];
}

/** etcd's v2 proxy flags: --proxy and its timings, in milliseconds. */
export interface ProxySettings {
  /** 'off' runs a member; 'on' and 'readonly' a proxy (readonly forwards only GET). */
  mode: 'off' | 'on' | 'readonly';
  failureWaitMs: number;
  refreshIntervalMs: number;
  dialTimeoutMs: number;
  writeTimeoutMs: number;
  readTimeoutMs: number;
}

export interface MemberConfig {
  name: string;
  dataDir: string;
  /** URLs are normalized as Go prints them (scheme lowercased) and sorted, as etcd keeps them. */
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  /** Used only to bootstrap a member that has no data yet; in --initial-cluster order. */
  initialCluster: InitialClusterMember[];
  initialClusterState: ClusterState;
  initialClusterToken: string;
  /**
   * --discovery: a member with no data learns its initial cluster from this discovery URL (the
   * token), which then also stands in for --initial-cluster-token, as in etcd.
   */
  discovery?: DiscoveryConfig;
  /** --discovery-srv: a member with no data reads its initial cluster from DNS SRV records. */
  discoverySrv?: { domain: string; serviceName: string };
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
  /** Applied entries between snapshots (etcd turns 0 into the default). */
  snapshotCount: number;
  /** Snapshot files to keep; 0 keeps all. */
  maxSnapshots: number;
  /** Origins allowed by CORS; `['*']` allows every origin. */
  cors: string[];
  logLevel: LogLevel;
  /** Where log lines go, each in full: 'stdout', 'stderr' or a file appended to (etcd's --log-outputs). */
  logOutputs: string[];
  /** Raft pre-vote: a partitioned member does not disrupt the leader when it rejoins. On by default, as in etcd 3.5. */
  preVote: boolean;
  /** Refuse membership changes that would leave the cluster without a quorum of started members. */
  strictReconfigCheck: boolean;
  proxy: ProxySettings;
  /**
   * --force-new-cluster: a member restarting on its data becomes a one-member cluster holding all
   * of it (src/server/force-new-cluster.ts); ignored, as by etcd, for a member with no data.
   */
  forceNewCluster: boolean;
  /** TLS of the https client URLs; absent when there are none. */
  clientTls?: TlsSettings;
  /**
   * TLS of the peer side (listener and dialer), from the --peer-* flags; absent when they give no
   * certificate.
   */
  peerTls?: TlsSettings;
}

export interface DiscoveryConfig {
  url: string;
  /** --discovery-proxy: an HTTP proxy for the discovery requests; '' for none. */
  proxy: string;
  /** --discovery-fallback: what a member finding the discovered cluster full does. */
  fallback: 'exit' | 'proxy';
}

export const DEFAULT_NAME = 'default';
export const DEFAULT_CLIENT_URL = 'http://localhost:2379';
export const DEFAULT_PEER_URL = 'http://localhost:2380';

/** etcd's default data directory is `${name}.etcd`; raftkv's is `${name}.raftkv`. */
export function defaultDataDir(name: string): string {
  return `${name}.raftkv`;
}

export function defaultConfig(): MemberConfig {
  return {
    name: DEFAULT_NAME,
    dataDir: defaultDataDir(DEFAULT_NAME),
    listenClientUrls: [DEFAULT_CLIENT_URL],
    advertiseClientUrls: [DEFAULT_CLIENT_URL],
    listenPeerUrls: [DEFAULT_PEER_URL],
    initialAdvertisePeerUrls: [DEFAULT_PEER_URL],
    initialCluster: [{ name: DEFAULT_NAME, peerUrls: [DEFAULT_PEER_URL] }],
    initialClusterState: 'new',
    initialClusterToken: 'etcd-cluster',
    heartbeatIntervalMs: 100,
    electionTimeoutMs: 1000,
    snapshotCount: 100_000,
    maxSnapshots: 5,
    cors: ['*'],
    logLevel: 'info',
    logOutputs: ['stderr'],
    preVote: true,
    strictReconfigCheck: true,
    forceNewCluster: false,
    proxy: { mode: 'off', failureWaitMs: 5000, refreshIntervalMs: 30_000, dialTimeoutMs: 1000, writeTimeoutMs: 5000, readTimeoutMs: 0 },
  };
}
