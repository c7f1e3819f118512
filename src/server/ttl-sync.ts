// TTLs expire only when the leader says so: every 500 ms (etcd's interval) a leader whose store
// holds a key past its expiration proposes a SYNC entry carrying its clock, and every member
// expires keys when it applies that entry. Followers never expire keys on their own.
import type { RawNode } from '../../raft/index.js';
import { LeaderLoop } from './leader-loop.js';
import type { Clock } from './seams.js';

const SYNC_INTERVAL_MS = 500;

export interface TtlSyncOptions {
  clock: Clock;
  isLeader(): boolean;
  /** The store's earliest expiration (clock ms), if any key has a TTL. */
  nextExpiration(): number | undefined;
  withNode(fn: (node: RawNode) => void): void;
}

export function ttlSync({ clock, isLeader, nextExpiration, withNode }: TtlSyncOptions): LeaderLoop {
  return new LeaderLoop({
    clock,
    intervalMs: SYNC_INTERVAL_MS,
    isLeader,
    withNode,
    next: (now) => {
      const due = nextExpiration();
      return due !== undefined && due <= now ? { kind: 'sync', time: now } : undefined;
    },
  });
}
