// TTLs expire only when the leader says so: every 500 ms (etcd's interval) a leader whose store
// holds a key past its expiration proposes a SYNC entry carrying its clock, and every member
// expires keys when it applies that entry. Followers never expire keys on their own.
import type { RawNode } from '../../raft/index.js';
import { encodeCommand } from './commands.js';
import type { Clock, Timer } from './seams.js';

const SYNC_INTERVAL_MS = 500;

export interface TtlSyncOptions {
  clock: Clock;
  isLeader(): boolean;
  /** The store's earliest expiration (clock ms), if any key has a TTL. */
  nextExpiration(): number | undefined;
  withNode(fn: (node: RawNode) => void): void;
}

export class TtlSync {
  private timer: Timer | undefined;
  /** When the last SYNC was proposed: it has no waiter, so the next waits an interval. */
  private lastProposedAt = -Infinity;

  constructor(private readonly opts: TtlSyncOptions) {}

  start(): void {
    this.timer = this.opts.clock.setInterval(() => this.maybeSync(), SYNC_INTERVAL_MS);
  }

  stop(): void {
    this.opts.clock.clearTimer(this.timer);
  }

  private maybeSync(): void {
    const { clock } = this.opts;
    const now = clock.now();
    if (!this.opts.isLeader() || now - this.lastProposedAt < SYNC_INTERVAL_MS) return;
    const next = this.opts.nextExpiration();
    if (next === undefined || next > now) return;
    try {
      this.opts.withNode((n) => n.propose(encodeCommand({ kind: 'sync', time: now })));
      this.lastProposedAt = now;
    } catch {
      // Lost leadership in between; the next leader will sync.
    }
  }
}
