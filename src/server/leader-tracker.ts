// Who this member believes leads, since when, and a way to wait for that to change. Raft tells
// it through the Ready's soft state; the proposer, the stats and the shutdown hand-over read it.
import { StateType } from '../../raft/index.js';
import type { SoftState } from '../../raft/index.js';
import type { Clock } from './seams.js';

export interface LeaderChangeListener {
  (lead: string, state: StateType): void;
}

export class LeaderTracker {
  private softState: SoftState = { lead: '', state: StateType.Follower };
  private since: number | undefined;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly onChange: LeaderChangeListener,
  ) {}

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

  update(ss: SoftState): void {
    const changed = ss.lead !== this.softState.lead;
    this.softState = ss;
    if (!changed) return;
    this.since = ss.lead ? this.clock.now() : undefined;
    this.onChange(ss.lead, ss.state);
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
}
