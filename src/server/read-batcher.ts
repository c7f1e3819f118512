// quorum=true reads through ReadIndex, batched: every read that arrives while a round is in
// flight rides the next round, so one heartbeat round serves all reads queued at that moment.
// A read is served once the member's applied index reaches the round's read index. Reads fail at
// once, queued ones included, while the member knows it is cut off from the quorum.
import { TIMED_OUT_CONNECTION_LOST, timeoutError } from './etcd-timeouts.js';
import type { QuorumContact } from './leader-tracker.js';
import type { Clock, Timer } from './seams.js';

interface PendingRead {
  resolve(): void;
  reject(err: unknown): void;
  deadline: number;
}

interface Round {
  ctx: string;
  reads: PendingRead[];
  timer: Timer;
}

export interface ReadBatcherOptions {
  clock: Clock;
  /**
   * Makes this member's read contexts unique in the cluster: the leader queues reads by context
   * and answers a context once, so two members both asking with "7" would leave one unanswered.
   */
  contextPrefix: string;
  /** Asks raft for a read index with this context; throws when raft cannot take it now. */
  requestReadIndex(ctx: Uint8Array): void;
  appliedIndex(): number;
  /** How long a round may wait for its ReadState before its reads are retried. */
  roundTimeoutMs: number;
  requestTimeoutMs: number;
  contact: QuorumContact;
}

export class ReadBatcher {
  private queued: PendingRead[] = [];
  private round: Round | undefined;
  private nextCtx = 1;
  /** Confirmed rounds waiting for the applied index to catch up, in read-index order. */
  private waitingApply: { index: number; reads: PendingRead[] }[] = [];
  private retryTimer: Timer | undefined;

  constructor(private readonly opts: ReadBatcherOptions) {
    opts.contact.onCutOff(() => this.failAll(timeoutError(TIMED_OUT_CONNECTION_LOST)));
  }

  /** Quorum reads not yet answered. */
  get pending(): number {
    return this.queued.length + (this.round?.reads.length ?? 0) + this.waitingApply.reduce((n, w) => n + w.reads.length, 0);
  }

  read(): Promise<void> {
    if (this.opts.contact.cutOff) return Promise.reject(timeoutError(TIMED_OUT_CONNECTION_LOST));
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ resolve, reject, deadline: this.opts.clock.now() + this.opts.requestTimeoutMs });
      this.startRound();
    });
  }

  /** Raft confirmed a read index for a context (possibly one that is not ours any more). */
  onReadState(ctx: Uint8Array, index: number): void {
    const round = this.round;
    if (!round || Buffer.from(ctx).toString() !== round.ctx) return;
    this.opts.clock.clearTimer(round.timer);
    this.round = undefined;
    this.waitingApply.push({ index, reads: round.reads });
    this.onApplied(this.opts.appliedIndex());
    this.startRound();
  }

  onApplied(applied: number): void {
    while (this.waitingApply.length > 0 && this.waitingApply[0]!.index <= applied) {
      for (const r of this.waitingApply.shift()!.reads) r.resolve();
    }
  }

  failAll(err: unknown): void {
    this.opts.clock.clearTimer(this.round?.timer);
    this.opts.clock.clearTimer(this.retryTimer);
    const all = [...this.queued, ...(this.round?.reads ?? []), ...this.waitingApply.flatMap((w) => w.reads)];
    this.queued = [];
    this.round = undefined;
    this.waitingApply = [];
    for (const r of all) r.reject(err);
  }

  private startRound(): void {
    if (this.round || this.queued.length === 0) return;
    this.expireOverdue();
    if (this.queued.length === 0) return;
    const ctx = `${this.opts.contextPrefix}:${this.nextCtx++}`;
    try {
      this.opts.requestReadIndex(Buffer.from(ctx));
    } catch {
      // No leader right now: try again shortly, until each read's own deadline.
      this.retryTimer ??= this.opts.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.startRound();
      }, 50);
      return;
    }
    const reads = this.queued;
    this.queued = [];
    const timer = this.opts.clock.setTimeout(() => {
      // The round was lost (leader changed, message dropped): its reads go first in the next one.
      this.round = undefined;
      this.queued = [...reads, ...this.queued];
      this.startRound();
    }, this.opts.roundTimeoutMs);
    this.round = { ctx, reads, timer };
  }

  private expireOverdue(): void {
    const now = this.opts.clock.now();
    const overdue = this.queued.filter((r) => r.deadline <= now);
    if (overdue.length === 0) return;
    this.queued = this.queued.filter((r) => r.deadline > now);
    for (const r of overdue) r.reject(timeoutError());
  }
}
