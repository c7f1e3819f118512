// A snapshot of a member's Raft state for diagnostics, stats endpoints and leadership choices.
import type { ProgressState } from './progress.js';
import type { Raft } from './raft.js';
import { StateType } from './types.js';
import type { ConfState, HardState, NodeId, SoftState } from './types.js';

export interface FollowerProgress {
  match: number;
  next: number;
  state: ProgressState;
  recentActive: boolean;
}

export interface RaftStatus {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  commit: number;
  leadTransferee: NodeId;
  confState: ConfState;
  /** Every member's replication progress; only a leader has it. */
  progress?: Record<NodeId, FollowerProgress>;
}

export function statusOf(r: Raft): RaftStatus {
  const status: RaftStatus = {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.log.applied,
    commit: r.log.committed,
    leadTransferee: r.leadTransferee,
    confState: r.confState(),
  };
  if (r.state === StateType.Leader) {
    status.progress = {};
    for (const [id, pr] of r.tracker.progress) {
      status.progress[id] = { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive };
    }
  }
  return status;
}
