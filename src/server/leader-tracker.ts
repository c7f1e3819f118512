// Who this member believes leads, since when, a way to wait for that to change, and whether the
// member knows it is cut off from the quorum. Raft tells it through the Ready's soft state; the
// proposer, quorum reads, the stats and the shutdown hand-over read it.
import { StateType } from '../../raft/index.js';
import type { SoftState } from '../../raft/index.js';
import type { Clock, Timer } from './seams.js';

/**
 * Election timeouts a member may know no leader before it counts itself cut off. It loses its
 * leader only when an election starts (its own campaign, or a candidate's vote request reaching
 * it). Among members that reach a quorum, that election takes a few round trips and a vote's
 * fsync; if the vote splits, raft's next attempt starts within two election timeouts (each is
 * drawn from [1, 2) of them). Three cover an election, a retry after a split vote, and ticks
 * running late on a loaded machine.
 */
export const LEADERLESS_ELECTION_TIMEOUTS = 3;

export interface LeaderChangeListener {
  (lead: string, state: StateType): void;
}

/** Whether the member knows it cannot reach a quorum, and word when it learns so. */
export interface QuorumContact {
  readonly cutOff: boolean;
  /** Called each time the member becomes cut off. */
  onCutOff(listener: () => void): void;
}

export interface LeaderTrackerOptions {
  electionTimeoutMs: number;
  /** Raft's current term: a leader that steps down without a new one gave up on check-quorum. */
  term(): number;
}

export class LeaderTracker implements QuorumContact {
  private softState: SoftState = { lead: '', state: StateType.Follower };
  private since: number | undefined;
  private waiting: (() => void)[] = [];
  private readonly changeListeners: LeaderChangeListener[] = [];
  private readonly cutOffListeners: (() => void)[] = [];
  /** The term this member leads (or last led). */
  private ledTerm: number | undefined;
  private isCutOff = false;
  private leaderlessTimer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: LeaderTrackerOptions,
  ) {
    this.startLeaderlessTimer(); // no leader is known at start either
  }

  /** The leader's id, or '' when none is known. */
  get leader(): string {
    return this.softState.lead;
  }

  get isLeader(): boolean {
    return this.softState.state === StateType.Leader;
  }

  /** When (clock ms) the current leader was first seen; undefined without a leader. */
  get leaderSince(): number | undefined {
    return this.since;
  }

  /**
   * The member knows it is cut off from the quorum: it led and stepped down without a new term
   * (raft's check-quorum heard from no quorum for a whole election timeout; its one other such
   * step-down, its own removal, ends the member anyway), or it has known no leader for
   * LEADERLESS_ELECTION_TIMEOUTS. It lasts until a leader is known again. A wrong guess costs an
   * early, retryable timeout answer, never safety: a request already proposed may still apply,
   * as after any timeout.
   */
  get cutOff(): boolean {
    return this.isCutOff;
  }

  onChange(listener: LeaderChangeListener): void {
    this.changeListeners.push(listener);
  }

  onCutOff(listener: () => void): void {
    this.cutOffListeners.push(listener);
  }

  update(ss: SoftState): void {
    const wasLeader = this.isLeader;
    const changed = ss.lead !== this.softState.lead;
    this.softState = ss;
    if (this.isLeader) this.ledTerm = this.opts.term();
    if (!changed) return;
    this.since = ss.lead ? this.clock.now() : undefined;
    this.clock.clearTimer(this.leaderlessTimer);
    if (ss.lead) this.isCutOff = false;
    else if (wasLeader && this.opts.term() === this.ledTerm) this.becomeCutOff();
    else this.startLeaderlessTimer();
    for (const listener of this.changeListeners) listener(ss.lead, ss.state);
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at the next leader change, or after `ms`, whichever comes first. */
  changeOrDelay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      this.waiting.push(() => {
        this.clock.clearTimer(timer);
        resolve();
      });
    });
  }

  private startLeaderlessTimer(): void {
    this.leaderlessTimer = this.clock.setTimeout(() => this.becomeCutOff(), LEADERLESS_ELECTION_TIMEOUTS * this.opts.electionTimeoutMs);
  }

  private becomeCutOff(): void {
    this.isCutOff = true;
    for (const listener of this.cutOffListeners) listener();
  }
}
