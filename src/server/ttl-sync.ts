// TTLs expire only when the leader says so: every 500 ms (etcd's interval) a leader whose store
// holds a key past its expiration proposes a SYNC entry carrying the cluster's time (see
// cluster-clock.ts), and every member expires keys when it applies that entry. Followers never
// expire keys on their own. A leader also proposes one SYNC at once when elected and when a
// member has just published itself (announce): that SYNC is how members learn the cluster's time.
import type { RawNode } from '../../raft/index.js';
import { LeaderLoop } from './leader-loop.js';
import type { Clock } from './seams.js';

const SYNC_INTERVAL_MS = 500;

export interface TtlSyncOptions {
  clock: Clock;
  /** The cluster's time (ms since the epoch): what a SYNC carries and expirations are compared with. */
  clusterNow(): number;
  isLeader(): boolean;
  /** The store's earliest expiration (cluster ms), if any key has a TTL. */
  nextExpiration(): number | undefined;
  withNode(fn: (node: RawNode) => void): void;
}

export class TtlSync {
  private readonly loop: LeaderLoop;
  private announcing = false;

  constructor(opts: TtlSyncOptions) {
    this.loop = new LeaderLoop({
      clock: opts.clock,
      intervalMs: SYNC_INTERVAL_MS,
      isLeader: opts.isLeader,
      withNode: opts.withNode,
      next: () => {
        const now = opts.clusterNow();
        const due = opts.nextExpiration();
        return this.announcing || (due !== undefined && due <= now) ? { kind: 'sync', time: now } : undefined;
      },
      onProposed: () => (this.announcing = false),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Proposes a SYNC at once (if leading) whether or not a key is due, to tell members the time. */
  announce(): void {
    this.announcing = true;
    this.loop.proposeNow();
  }
}
