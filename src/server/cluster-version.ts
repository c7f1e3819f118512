// The cluster version, as etcd's leader sets it: once elected (etcd checks at its first commit in
// the term), a leader of a cluster with no version yet proposes one, which every member records
// as etcd's /0/version write (one store index). All raftkv members run one version, so the
// leader does not ask its peers for theirs; it asks again while the version stays unset.
// On election, call proposeNow().
import type { RawNode } from '../../raft/index.js';
import { LeaderLoop } from './leader-loop.js';
import type { Clock } from './seams.js';

/** etcd's monitorVersionInterval. */
const RETRY_MS = 5000;

export interface ClusterVersionOptions {
  clock: Clock;
  version: string;
  isLeader(): boolean;
  /** Whether the applied state already has a cluster version. */
  isSet(): boolean;
  withNode(fn: (node: RawNode) => void): void;
  logger: { info(obj: object, msg: string): void };
}

export function clusterVersion({ clock, version, isLeader, isSet, withNode, logger }: ClusterVersionOptions): LeaderLoop {
  return new LeaderLoop({
    clock,
    intervalMs: RETRY_MS,
    isLeader,
    withNode,
    next: () => (isSet() ? undefined : { kind: 'cluster-version', version }),
    onProposed: () => logger.info({ version }, `setting up the initial cluster version to ${version.split('.').slice(0, 2).join('.')}`),
  });
}
