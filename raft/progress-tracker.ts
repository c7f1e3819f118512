// The leader's view of the group: the configuration (voters and learners), each member's
// Progress, and the votes of the current election. Majority arithmetic is delegated to quorum.ts.
import { invariant } from './invariant.js';
import { Progress } from './progress.js';
import { committedIndex, voteResult, VoteResult } from './quorum.js';
import { ConfChangeType } from './types.js';
import type { ConfChange, ConfState, NodeId } from './types.js';

export interface VoteTally {
  granted: number;
  rejected: number;
  result: VoteResult;
}

export class ProgressTracker {
  readonly progress = new Map<NodeId, Progress>();
  private readonly voters = new Set<NodeId>();
  private readonly learners = new Set<NodeId>();
  private readonly votes = new Map<NodeId, boolean>();

  constructor(private readonly maxInflight: number) {}

  /** Replaces the configuration and every Progress (start-up, snapshot install). */
  restore(confState: ConfState, lastIndex: number): void {
    this.voters.clear();
    this.learners.clear();
    this.progress.clear();
    for (const id of confState.voters) this.addVoter(id, lastIndex + 1);
    for (const id of confState.learners) this.addLearner(id, lastIndex + 1);
  }

  confState(): ConfState {
    return { voters: [...this.voters].sort(), learners: [...this.learners].sort() };
  }

  /** Voter ids in a stable order, so messages go out in the same order on every run. */
  voterIds(): NodeId[] {
    return [...this.voters].sort();
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  /** The highest index a majority of voters has in its log; learners never count. */
  committed(): number {
    return committedIndex(this.voterIds(), (id) => this.progress.get(id)?.match ?? 0);
  }

  /** Whether a majority of voters was heard from since the last check (the leader counts itself). */
  quorumActive(): boolean {
    return voteResult(this.voterIds(), (id) => this.progress.get(id)?.recentActive ?? false) === VoteResult.Won;
  }

  /** Starts a new check-quorum round: everyone but `self` must be heard from again. */
  markInactiveExcept(self: NodeId): void {
    for (const [id, pr] of this.progress) {
      if (id !== self) pr.recentActive = false;
    }
  }

  /** Resets every Progress for a new term: nothing is known about followers; `self` has what it persisted. */
  resetProgress(self: NodeId, lastIndex: number, selfPersisted: number): void {
    for (const [id, pr] of this.progress) {
      const fresh = new Progress(lastIndex + 1, pr.isLearner, this.maxInflight);
      if (id === self) fresh.match = selfPersisted;
      this.progress.set(id, fresh);
    }
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  tallyVotes(): VoteTally {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: voteResult(this.voterIds(), (id) => this.votes.get(id)) };
  }

  /** Why `cc` must not be proposed against the current configuration, or undefined if it may. */
  confChangeProblem(cc: ConfChange): string | undefined {
    const demotesOrRemoves = cc.type === ConfChangeType.RemoveNode || cc.type === ConfChangeType.AddLearnerNode;
    if (demotesOrRemoves && this.voters.size === 1 && this.voters.has(cc.nodeId)) {
      return `removing ${cc.nodeId} would leave no voters`;
    }
    return undefined;
  }

  /**
   * Applies one membership change. AddNode on a learner promotes it, AddLearnerNode on a voter
   * demotes it; repeating a change is harmless (restarts re-apply committed entries).
   */
  applyConfChange(cc: ConfChange, lastIndex: number): void {
    invariant(cc.nodeId !== '', 'a configuration change names no member');
    // A newcomer is probed with the last entry, so the first App goes out at once.
    const next = Math.max(lastIndex, 1);
    switch (cc.type) {
      case ConfChangeType.AddNode:
        if (this.learners.delete(cc.nodeId)) {
          this.voters.add(cc.nodeId);
          this.progress.get(cc.nodeId)!.isLearner = false;
        } else if (!this.voters.has(cc.nodeId)) {
          this.addVoter(cc.nodeId, next);
        }
        return;
      case ConfChangeType.AddLearnerNode:
        if (this.voters.delete(cc.nodeId)) {
          this.learners.add(cc.nodeId);
          this.progress.get(cc.nodeId)!.isLearner = true;
        } else if (!this.learners.has(cc.nodeId)) {
          this.addLearner(cc.nodeId, next);
        }
        return;
      case ConfChangeType.RemoveNode:
        this.voters.delete(cc.nodeId);
        this.learners.delete(cc.nodeId);
        this.progress.delete(cc.nodeId);
        return;
    }
  }

  private addVoter(id: NodeId, next: number): void {
    this.voters.add(id);
    this.progress.set(id, this.newProgress(next, false));
  }

  private addLearner(id: NodeId, next: number): void {
    this.learners.add(id);
    this.progress.set(id, this.newProgress(next, true));
  }

  private newProgress(next: number, isLearner: boolean): Progress {
    const pr = new Progress(next, isLearner, this.maxInflight);
    // A member just added counts as active, or check-quorum could depose the leader before the
    // newcomer had a chance to answer.
    pr.recentActive = true;
    return pr;
  }
}
