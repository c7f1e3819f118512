// The driver's handle on the core (etcd-io/raft's RawNode): feed it time, messages and
// requests; take what it wants done as a Ready; report back with advance().
//
// Contract for the driver, one Ready at a time:
//   1. rd = ready()
//   2. persist rd.snapshot, rd.entries, rd.hardState (one synced write when rd.mustSync) and
//      mirror them into the Storage the core reads (MemoryStorage: applySnapshot, append, setHardState)
//   3. send rd.messages — after step 2, because votes and AppResps promise persisted state.
//      A leader may send them while step 2 is in progress (thesis §10.2.1): a leader's
//      messages never promise anything about its own disk.
//   4. apply rd.committedEntries in order; for a ConfChange entry call applyConfChange()
//   5. serve rd.readStates once the applied index reaches each one's index
//   6. advance(rd)
import { encodeConfChange } from './conf-change-codec.js';
import { isLocalMessage, isResponseMessage, message } from './messages.js';
import { Raft } from './raft.js';
import { sendDueAppends, sendDueReadRound } from './replication.js';
import { statusOf } from './status.js';
import type { RaftStatus } from './status.js';
import { EntryType, MessageType } from './types.js';
import type { ConfChange, ConfState, HardState, Message, NodeId, RaftConfig, Ready, SoftState } from './types.js';

export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;

  /** Restores hard state, configuration and log from config.storage. */
  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /** One unit of logical time (the driver's heartbeat interval). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-vote first if configured). */
  campaign(): void {
    this.raft.step(message({ type: MessageType.Hup, from: this.raft.id }));
  }

  /** Delivers a message from a peer. */
  step(m: Message): void {
    if (isLocalMessage(m.type)) throw new Error(`raft: message type ${m.type} is local and cannot arrive from a peer`);
    // An answer from a member we do not track (e.g. just removed) means nothing to us.
    if (isResponseMessage(m.type) && !this.raft.tracker.progress.has(m.from)) return;
    this.raft.step(m);
  }

  /** Proposes application data. Throws ProposalDroppedError if it cannot be accepted now. */
  propose(data: Uint8Array): void {
    this.proposeEntry(EntryType.Normal, data);
  }

  /** Proposes a membership change; it takes effect when applied (see applyConfChange). */
  proposeConfChange(cc: ConfChange): void {
    this.proposeEntry(EntryType.ConfChange, encodeConfChange(cc));
  }

  /** The driver applies a committed ConfChange entry; returns the configuration now in force. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Asks the leader (this member or, forwarded, the current one) to hand leadership to `to`. */
  transferLeader(to: NodeId): void {
    // As in etcd, the transferee travels in `from`.
    this.raft.step(message({ type: MessageType.TransferLeader, from: to }));
  }

  /** Requests a linearizable read point; answered as a ReadState carrying `ctx`. */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(message({ type: MessageType.ReadIndex, from: this.raft.id, context: ctx }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: MessageType.Unreachable, from: id }));
  }

  /**
   * The transport believes `id`'s process is gone: its connection closed and a prompt redial
   * failed. A follower whose leader that is campaigns soon (see Raft.leaderDown); anyone else
   * ignores it.
   */
  reportPeerDown(id: NodeId): void {
    this.raft.step(message({ type: MessageType.PeerDown, from: id }));
  }

  /** The transport (re)connected to `id`: a leader sends it a heartbeat at once; anyone else ignores it. */
  reportPeerUp(id: NodeId): void {
    this.raft.step(message({ type: MessageType.PeerUp, from: id }));
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(message({ type: MessageType.SnapStatus, from: id, reject: !ok }));
  }

  hasReady(): boolean {
    const r = this.raft;
    return (
      !sameSoftState(r.softState(), this.prevSoftState) ||
      !sameHardState(r.hardState(), this.prevHardState) ||
      r.log.hasPendingSnapshot() ||
      r.msgs.length > 0 ||
      r.readRoundDue ||
      r.appendsDue !== 'none' ||
      r.log.unstable.entries.length > 0 ||
      r.log.hasNextCommittedEntries() ||
      r.readStates.length > 0
    );
  }

  ready(): Ready {
    const r = this.raft;
    sendDueAppends(r);
    sendDueReadRound(r);
    const softState = r.softState();
    const hardState = r.hardState();
    const entries = r.log.unstableEntries();
    const snapshot = r.log.unstable.snapshot;
    const termOrVoteChanged = hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote;
    const rd: Ready = {
      readStates: r.readStates,
      entries,
      committedEntries: r.log.nextCommittedEntries(),
      messages: r.msgs,
      mustSync: termOrVoteChanged || entries.length > 0 || snapshot !== undefined,
    };
    if (!sameSoftState(softState, this.prevSoftState)) rd.softState = softState;
    if (!sameHardState(hardState, this.prevHardState)) rd.hardState = hardState;
    if (snapshot) rd.snapshot = snapshot;
    r.msgs = [];
    r.readStates = [];
    this.prevSoftState = softState;
    this.prevHardState = hardState;
    return rd;
  }

  /** The driver finished `rd`: its entries and snapshot are persisted, its committed entries applied. */
  advance(rd: Ready): void {
    const log = this.raft.log;
    const lastEntry = rd.entries.at(-1);
    if (lastEntry) {
      log.stableTo(lastEntry.index, lastEntry.term);
      this.raft.persistedTo(lastEntry.index);
    }
    if (rd.snapshot) log.stableSnapTo(rd.snapshot.metadata.index);
    this.raft.uncommitted.shrink(rd.committedEntries);
    const lastApplied = rd.committedEntries.at(-1)?.index ?? rd.snapshot?.metadata.index;
    if (lastApplied !== undefined) this.raft.appliedTo(lastApplied);
  }

  status(): RaftStatus {
    return statusOf(this.raft);
  }

  /** The hard state alone: what every client response's headers need, without status()'s copies. */
  hardState(): HardState {
    return this.raft.hardState();
  }

  private proposeEntry(type: EntryType, data: Uint8Array): void {
    this.raft.step(message({ type: MessageType.Prop, from: this.raft.id, entries: [{ term: 0, index: 0, type, data }] }));
  }
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.state === b.state;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
