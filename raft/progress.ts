// What the leader knows about one follower's log and how it sends to it. Every transition of
// the follower's replication state lives in this file:
//
//   probe ──ack──▶ replicate ──reject / unreachable──▶ probe
//     │                                                  ▲
//     └──(log compacted) snapshot ──caught up / reported─┘ (or straight to replicate on an ack)
//
// probe:     the match point is unknown; one App per heartbeat interval until it is acked.
// replicate: the follower keeps up; Apps are pipelined, `next` advanced optimistically,
//            bounded by the inflight window.
// snapshot:  a snapshot is on its way; no Apps until it lands.
import { Inflights } from './inflights.js';
import { invariant } from './invariant.js';

export const ProgressState = { Probe: 'probe', Replicate: 'replicate', Snapshot: 'snapshot' } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

export class Progress {
  /** Highest index known to be in the follower's log, matching the leader's. */
  match = 0;
  /** Index of the next entry to send. Invariant: match < next. */
  next: number;
  state: ProgressState = ProgressState.Probe;
  /** Index of the snapshot being sent, while in snapshot state. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round (or added recently). */
  recentActive = false;
  /** In probe state: an App is out and unanswered, so wait for a heartbeat response. */
  private probeSent = false;
  readonly inflights: Inflights;

  constructor(
    next: number,
    public isLearner: boolean,
    maxInflight: number,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  /** Whether the leader must hold off sending Apps to this follower. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflights.full();
      case ProgressState.Snapshot:
        return true;
    }
  }

  /** Raises match (and next with it) to `index`; returns whether match moved. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** The leader sent an App carrying `count` entries, the last at `lastIndex`. */
  sentAppend(count: number, lastIndex: number): void {
    switch (this.state) {
      case ProgressState.Replicate:
        if (count > 0) {
          this.next = lastIndex + 1;
          this.inflights.add(lastIndex);
        }
        return;
      case ProgressState.Probe:
        this.probeSent = true;
        return;
      case ProgressState.Snapshot:
        throw new Error('raft: sent an append to a follower waiting for a snapshot');
    }
  }

  /**
   * The follower accepted an App up to `index`. Returns whether that changed anything (a stale
   * or duplicate ack does not). `firstIndex` is the leader's first log index: a follower in
   * snapshot state that now reaches it can be fed from the log again.
   */
  appendAcked(index: number, firstIndex: number): boolean {
    const moved = this.maybeUpdate(index);
    const probeMatched = this.state === ProgressState.Probe && this.match === index;
    if (!moved && !probeMatched) return false;
    switch (this.state) {
      case ProgressState.Probe:
        this.becomeReplicate();
        break;
      case ProgressState.Snapshot:
        if (this.match + 1 >= firstIndex) this.becomeReplicate();
        break;
      case ProgressState.Replicate:
        this.inflights.freeLE(index);
        break;
    }
    return true;
  }

  /**
   * The follower rejected the App whose previous index was `rejected`; `matchHint` is the
   * highest index where the logs may agree. Returns whether to send again (false for a stale
   * rejection).
   */
  appendRejected(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      // Rejections of Apps at or below match are stale: those entries were acknowledged.
      if (rejected <= this.match) return false;
      this.becomeProbe();
      return true;
    }
    // In probe state only the answer to the latest probe counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** A heartbeat response: the follower is alive, so probing may resume. */
  heartbeatAcked(): void {
    this.probeSent = false;
    // If every App in a full window was lost, no ack will ever free it: make room for one,
    // whose rejection (the follower has a gap) sends this follower back to probe.
    if (this.state === ProgressState.Replicate && this.inflights.full()) this.inflights.freeFirstOne();
  }

  /** The transport could not reach the follower: stop pipelining into the void. */
  unreachable(): void {
    if (this.state === ProgressState.Replicate) this.becomeProbe();
  }

  snapshotSent(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  /**
   * The transport finished sending the snapshot (ok) or gave up. Either way probe next, after
   * the follower's AppResp (ok) or the next heartbeat response (failure).
   */
  snapshotReported(ok: boolean): void {
    if (this.state !== ProgressState.Snapshot) return;
    if (!ok) this.pendingSnapshot = 0;
    this.becomeProbe();
    this.probeSent = true;
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.Replicate);
    this.next = this.match + 1;
  }

  private becomeProbe(): void {
    // After a snapshot the follower has at least the snapshot, so probe from just past it.
    const pending = this.state === ProgressState.Snapshot ? this.pendingSnapshot : 0;
    this.resetState(ProgressState.Probe);
    this.next = Math.max(this.match + 1, pending + 1);
    invariant(this.match < this.next, () => `progress match ${this.match} must stay below next ${this.next}`);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }
}
