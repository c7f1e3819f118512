// The cluster's time, as this member knows it: the one time stamped into entries (a write's
// `time`, from which a TTL key's expiration is computed; a SYNC's, which expires keys) and used
// for a read's remaining TTL. Members' wall clocks disagree; if each stamped its own, a member
// 60 s behind would write keys that expire 60 s early, and a newly elected leader 60 s ahead
// would expire every key 60 s early. So the leader's SYNC entries carry the time and every
// member runs its clock from them:
//
// - Each applied SYNC says the cluster's time was at least `time` when it applied here, so
//   `time - monotonic()` is a lower bound on the offset from this process's monotonic clock;
//   the clock keeps the largest, so it never runs behind a SYNC it has applied.
// - Until it has learned, a member also trusts its own wall clock (the only anchor a fresh
//   cluster, or one restarted whole, has): its time is the later of the two.
// - It has learned once it applies a SYNC that follows, in the log, the attributes it published
//   at this start. That SYNC was stamped after this process started (a leader proposes one as
//   soon as it applies a member's publication, see ttl-sync.ts), unlike SYNCs replayed from disk
//   or caught up on after downtime. From then on the wall clock is ignored: a member ahead by
//   60 s runs on the leader's time, and keeps it when elected.
//
// What is left (all small next to a skewed wall clock):
// - A follower runs behind the leader by the time a SYNC takes to reach and apply here (a commit,
//   milliseconds), so a key written through it may expire that much early; a new leader's time
//   continues from there, the lag of one hop, not of every election (the bound only rises).
// - A member that took T to catch up before its publication applied runs up to T behind until
//   the next SYNC. Between its publication applying (when it starts serving clients) and the
//   leader's SYNC that follows it (one commit later) it stamps max(wall clock, SYNCs seen).
// - After the whole cluster restarts, no member has learned: the first leader's wall clock (never
//   behind the last SYNC in its log) becomes the cluster's time. Skewed, it expires keys written
//   before the restart early or late by its skew. The same holds for a member elected before its
//   own publication applied.
import type { Clock } from './seams.js';

export interface ClusterClockOptions {
  clock: Pick<Clock, 'now' | 'monotonic'>;
  selfId: string;
  /** The commit index loaded from disk: entries up to it are replayed from past lives. */
  replayedThrough: number;
  /** Has the leader (if this member leads) propose a SYNC now: a member has just published. */
  announce(): void;
}

export class ClusterClock {
  /** What this member's wall clock says the offset from monotonic() is; ignored once learned. */
  private readonly wallOffset: number;
  /** The largest lower bound the applied SYNCs gave. */
  private syncedOffset = -Infinity;
  private hasPublished = false;
  private learned = false;

  constructor(private readonly opts: ClusterClockOptions) {
    this.wallOffset = opts.clock.now() - opts.clock.monotonic();
  }

  /** The cluster's time in ms since the epoch. */
  now(): number {
    const offset = this.learned ? this.syncedOffset : Math.max(this.wallOffset, this.syncedOffset);
    return this.opts.clock.monotonic() + offset;
  }

  /** A SYNC stamped `time` was applied. */
  synced(time: number): void {
    this.syncedOffset = Math.max(this.syncedOffset, time - this.opts.clock.monotonic());
    if (this.hasPublished) this.learned = true;
  }

  /** Member `memberId`'s attributes, published in entry `index`, were applied. */
  published(memberId: string, index: number): void {
    if (memberId === this.opts.selfId && index > this.opts.replayedThrough) this.hasPublished = true;
    this.opts.announce();
  }
}
