// The Raft state machine (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", figure 2, and the thesis' extensions: pre-vote, check-quorum, leadership
// transfer, ReadIndex), shaped after etcd-io/raft. Pure: no timers, I/O or Math.random.
// This file holds the state, role changes, elections, term rules and the leader's sending;
// what each role does with a message is in step-leader.ts, step-candidate.ts, step-follower.ts.
import { bytesEqual } from './bytes.js';
import { CAMPAIGN_TRANSFER_CONTEXT, CampaignType } from './campaign.js';
import { invariant } from './invariant.js';
import { isLeaderMessage, isVoteMessage, message, voteResponseType } from './messages.js';
import type { MessageInit } from './messages.js';
import { ProgressTracker } from './progress-tracker.js';
import { VoteResult } from './quorum.js';
import type { VoteTally } from './progress-tracker.js';
import { RaftLog } from './raft-log.js';
import { ReadOnlyQueue } from './read-only.js';
import { appendEntries, bcastAppend, maybeCommit, sendAppend } from './replication.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower } from './step-follower.js';
import { stepLeader } from './step-leader.js';
import { UncommittedTail } from './uncommitted-tail.js';
import { EntryType, MessageType, NONE, ProposalDroppedError, StateType } from './types.js';
import type { ConfChange, ConfState, HardState, Message, NodeId, RaftConfig, RaftLogger, ReadState, Snapshot, SoftState } from './types.js';

const DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024;
const DEFAULT_MAX_INFLIGHT_MSGS = 256;

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = StateType.Follower;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly reads = new ReadOnlyQueue();
  /** A leader's appended but uncommitted entry data, bounded by maxUncommittedEntriesSize. */
  readonly uncommitted: UncommittedTail;
  /** A read arrived since the last heartbeat round: send one when the next Ready is built. */
  readRoundDue = false;
  /**
   * Apps owed to followers since the last Ready: 'entries' when proposals appended entries,
   * 'commit' when the commit index also advanced (an empty App carries it). They go out when the
   * next Ready is built, so everything proposed or committed until then shares one App per
   * follower instead of one per proposal (and one AppResp back instead of many).
   */
  appendsDue: 'none' | 'entries' | 'commit' = 'none';
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  leadTransferee: NodeId = NONE;
  /** TimeoutNow arrived while a committed conf change was unapplied: campaign once it is applied. */
  transferCampaignDue = false;
  /** Index of the latest conf change entry the leader appended; another waits until it is applied. */
  pendingConfIndex = 0;
  /** Ticks since the last election timeout reset (followers: since hearing from the leader). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxMsgSize: number;
  readonly logger: RaftLogger | undefined;
  private readonly random: () => number;

  constructor(config: RaftConfig) {
    invariant(config.id !== NONE, 'a raft member needs a non-empty id');
    invariant(config.heartbeatTick > 0, 'heartbeatTick must be positive');
    invariant(config.electionTick > config.heartbeatTick, 'electionTick must be greater than heartbeatTick');
    this.id = config.id;
    this.electionTimeout = config.electionTick;
    this.heartbeatTimeout = config.heartbeatTick;
    this.checkQuorum = config.checkQuorum ?? false;
    this.preVote = config.preVote ?? false;
    this.maxMsgSize = config.maxSizePerMsg ?? DEFAULT_MAX_SIZE_PER_MSG;
    this.random = config.random;
    this.logger = config.logger;
    this.log = new RaftLog(config.storage);
    this.tracker = new ProgressTracker(config.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS);
    this.uncommitted = new UncommittedTail(config.maxUncommittedEntriesSize ?? 0);

    const { hardState, confState } = config.storage.initialState();
    this.tracker.restore(confState, this.log.lastIndex());
    this.loadHardState(hardState);
    if (config.applied !== undefined && config.applied > this.log.applied) this.log.appliedTo(config.applied);
    this.becomeFollower(this.term, NONE);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  confState(): ConfState {
    return this.tracker.confState();
  }

  // ---- role changes ----

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
  }

  private becomePreCandidate(): void {
    invariant(this.state !== StateType.Leader, 'a leader cannot become a pre-candidate');
    // A pre-candidate changes neither its term nor its vote: it only asks whether it could win.
    this.tracker.resetVotes();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
  }

  private becomeCandidate(): void {
    invariant(this.state !== StateType.Leader, 'a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
  }

  private becomeLeader(): void {
    invariant(this.state === StateType.Candidate, () => `only a candidate can become leader, not a ${this.state}`);
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    const self = this.tracker.progress.get(this.id)!;
    self.becomeReplicate();
    self.recentActive = true;
    // An unapplied conf change may hide in the log; refuse new ones until all of it is applied.
    this.pendingConfIndex = this.log.lastIndex();
    this.logger?.info('became leader', { id: this.id, term: this.term });
    // An entry of the new term, so that earlier entries commit as soon as possible (§5.4.2).
    appendEntries(this, [{ term: 0, index: 0, type: EntryType.Normal, data: new Uint8Array() }]);
    bcastAppend(this);
  }

  private reset(term: number): void {
    if (term !== this.term) {
      invariant(term > this.term, () => `term would go back from ${this.term} to ${term}`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    this.tracker.resetProgress(this.id, this.log.lastIndex(), this.log.persistedLastIndex());
    this.pendingConfIndex = 0;
    this.uncommitted.reset();
    this.reads.clear();
    this.readRoundDue = false;
    this.appendsDue = 'none';
    this.transferCampaignDue = false;
  }

  private loadHardState(hs: HardState): void {
    if (hs.term === 0 && hs.vote === NONE && hs.commit === 0) return;
    invariant(
      hs.commit >= this.log.committed && hs.commit <= this.log.lastIndex(),
      () => `stored commit ${hs.commit} is outside [${this.log.committed}, ${this.log.lastIndex()}]`,
    );
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- time ----

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(message({ type: MessageType.Hup, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(message({ type: MessageType.CheckQuorum, from: this.id }));
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) {
        this.logger?.info('leadership transfer timed out', { id: this.id, to: this.leadTransferee });
        this.abortLeaderTransfer();
      }
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: MessageType.Beat, from: this.id }));
    }
  }

  // ---- messages ----

  step(m: Message): void {
    if (m.term > this.term) {
      if (!this.stepHigherTerm(m)) return;
    } else if (m.term !== 0 && m.term < this.term) {
      this.answerStaleTerm(m);
      return;
    }
    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.preVote ? CampaignType.PreElection : CampaignType.Election);
        return;
      case MessageType.Vote:
      case MessageType.PreVote:
        this.answerVoteRequest(m);
        return;
    }
    switch (this.state) {
      case StateType.Leader:
        stepLeader(this, m);
        return;
      case StateType.Candidate:
      case StateType.PreCandidate:
        stepCandidate(this, m);
        return;
      case StateType.Follower:
        stepFollower(this, m);
        return;
    }
  }

  /** A message from a later term. Returns false if it is to be ignored. */
  private stepHigherTerm(m: Message): boolean {
    if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
      // Leader lease: while we hear from a live leader, nobody else needs an election. A
      // pre-vote is always refused then; a real vote only under check-quorum (else a node
      // whose term has moved on could never rejoin). A leadership transfer overrides the lease.
      const forced = bytesEqual(m.context, CAMPAIGN_TRANSFER_CONTEXT);
      const leaseHeld = this.lead !== NONE && this.electionElapsed < this.electionTimeout;
      if (!forced && leaseHeld && (m.type === MessageType.PreVote || this.checkQuorum)) {
        this.logger?.info('ignored a vote request during the leader lease', { id: this.id, from: m.from, term: m.term });
        return false;
      }
    }
    if (m.type === MessageType.PreVote) return true; // a pre-vote never changes our term
    if (m.type === MessageType.PreVoteResp && !m.reject) return true; // our own future term, echoed back
    this.logger?.info('saw a later term', { id: this.id, term: this.term, newTerm: m.term, from: m.from });
    this.becomeFollower(m.term, isLeaderMessage(m.type) ? m.from : NONE);
    return true;
  }

  private answerStaleTerm(m: Message): void {
    if ((this.checkQuorum || this.preVote) && (m.type === MessageType.App || m.type === MessageType.Heartbeat)) {
      // A leader stranded in an old term (our term moved on through a partition, or pre-vote
      // kept it from learning) would otherwise never hear of the new term: tell it.
      this.send({ type: MessageType.AppResp, to: m.from });
    } else if (m.type === MessageType.PreVote) {
      this.send({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true });
    }
  }

  private answerVoteRequest(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === MessageType.PreVote && m.term > this.term);
    const type = voteResponseType(m.type);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      // The vote is recorded in the hard state of the same Ready that carries this response;
      // the driver persists it before sending (see Ready).
      this.send({ type, to: m.from, term: m.term });
      if (m.type === MessageType.Vote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type, to: m.from, term: this.term, reject: true });
    }
  }

  /** Queues a message; the term is the current one except for votes (explicit) and forwarded proposals/reads (0). */
  send(init: MessageInit): void {
    const m = message({ from: this.id, ...init });
    if (isVoteMessage(m.type)) {
      invariant(m.term !== 0, () => `vote message ${m.type} needs an explicit term`);
    } else if (m.type !== MessageType.Prop && m.type !== MessageType.ReadIndex) {
      m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Refuses a proposal or read: an error for our own caller, a silent drop for a peer's. */
  refuse(m: Message, reason: string): void {
    if (m.from === this.id) throw new ProposalDroppedError(reason);
  }

  // ---- elections ----

  /** Whether this member may campaign: a voter, not waiting to install a snapshot. */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.log.hasPendingSnapshot();
  }

  hup(type: CampaignType): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) {
      this.logger?.warn('not campaigning: not a voter in the configuration', { id: this.id });
      return;
    }
    if (this.hasUnappliedConfChange()) {
      // The committed configuration may differ from the one we know: apply it first.
      this.logger?.warn('not campaigning: a committed configuration change is not applied yet', { id: this.id });
      return;
    }
    this.campaign(type);
  }

  /**
   * The driver made entries up to `index` durable. Only now does a leader count itself as
   * holding them: an entry on the leader's unflushed log plus a minority of disks is not
   * committed, or a crash of the leader could lose a write already acknowledged.
   */
  persistedTo(index: number): void {
    if (this.state !== StateType.Leader) return;
    if (this.tracker.progress.get(this.id)?.maybeUpdate(index) && maybeCommit(this)) this.appendsDue = 'commit';
  }

  /** The driver applied entries up to `index`; a leadership transfer may have waited for that. */
  appliedTo(index: number): void {
    this.log.appliedTo(index);
    if (this.transferCampaignDue && !this.hasUnappliedConfChange()) {
      this.transferCampaignDue = false;
      this.hup(CampaignType.Transfer);
    }
  }

  hasUnappliedConfChange(): boolean {
    // Entries below the first index are in the snapshot, whose configuration we already have.
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex());
    if (this.log.committed < lo) return false;
    const unapplied = this.log.slice(lo, this.log.committed + 1, Number.MAX_SAFE_INTEGER);
    return unapplied.some((e) => e.type === EntryType.ConfChange);
  }

  /**
   * A follower's transport saw the leader's process go away (its connection closed and a redial
   * was refused at once). Waiting out the election timeout would only prolong the outage, so:
   * forget the leader, which ends its lease (we now grant pre-votes), and let the election
   * timer run out within three heartbeat intervals instead. The random delay keeps two
   * followers that saw the same crash from campaigning together and splitting the vote.
   * A wrong report (the leader lives, only our connection broke) costs little: the leader's
   * next message makes us its follower again, and with pre-vote and check-quorum the members
   * that still hear it hold its lease and refuse our campaign, so the leader keeps its term.
   */
  leaderDown(): void {
    this.logger?.info('leader reported down; campaigning soon', { id: this.id, lead: this.lead, term: this.term });
    this.lead = NONE;
    const spread = Math.min(3 * this.heartbeatTimeout, this.electionTimeout);
    const delay = 1 + Math.floor(this.random() * spread);
    this.electionElapsed = Math.max(this.electionElapsed, this.randomizedElectionTimeout - delay);
  }

  private campaign(type: CampaignType): void {
    let voteType: MessageType;
    let term: number;
    if (type === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      term = this.term + 1; // the term we would campaign in; our own stays put
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    this.logger?.info(`started ${type}`, { id: this.id, term });
    if (this.poll(this.id, true).result === VoteResult.Won) {
      this.wonElection();
      return;
    }
    const context = type === CampaignType.Transfer ? CAMPAIGN_TRANSFER_CONTEXT : undefined;
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({ type: voteType, to: id, term, index: this.log.lastIndex(), logTerm: this.log.lastTerm(), context });
    }
  }

  poll(id: NodeId, granted: boolean): VoteTally {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes();
  }

  /** A won pre-election leads to the real one; a won election to leadership. */
  wonElection(): void {
    if (this.state === StateType.PreCandidate) this.campaign(CampaignType.Election);
    else this.becomeLeader();
  }

  // ---- the leader ----

  committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  sendTimeoutNow(to: NodeId): void {
    this.send({ type: MessageType.TimeoutNow, to });
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- snapshots and configuration ----

  /**
   * Installs a leader's snapshot if it is ahead of our log. Returns whether it was installed.
   * A snapshot taken before this member joined does not list it; it is installed all the same
   * and the member just follows until the entry that adds it is applied.
   */
  restore(snapshot: Snapshot): boolean {
    const { index, term, confState } = snapshot.metadata;
    if (index <= this.log.committed) return false;
    if (this.state !== StateType.Follower) {
      // Only a follower of the sender can receive a snapshot; anything else is a bug upstream.
      this.logger?.warn('refused a snapshot while not a follower', { id: this.id, state: this.state });
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    if (this.log.matchTerm(index, term)) {
      // We already have the snapshot's last entry: only the commit index moves.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(snapshot);
    this.tracker.restore(confState, this.log.lastIndex());
    this.logger?.info('restoring snapshot', { id: this.id, index, term });
    return true;
  }

  /** Applies a committed membership change; returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    if (cc.nodeId === NONE) return this.confState();
    this.tracker.applyConfChange(cc, this.log.lastIndex());
    if (this.state !== StateType.Leader) return this.confState();
    if (!this.tracker.isVoter(this.id)) {
      this.stepDownAfterRemoval();
      return this.confState();
    }
    // A smaller quorum may commit more; otherwise at least probe the newcomers.
    if (maybeCommit(this)) bcastAppend(this);
    else for (const id of this.tracker.progress.keys()) if (id !== this.id) sendAppend(this, id, false);
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    return this.confState();
  }

  /**
   * A leader that removed (or demoted) itself: pass the commit index on, hand leadership to the
   * most up-to-date voter so the group need not wait an election timeout, and step down.
   */
  private stepDownAfterRemoval(): void {
    bcastAppend(this);
    const lastIndex = this.log.lastIndex();
    const successor = this.tracker.voterIds().find((id) => this.tracker.progress.get(id)!.match === lastIndex);
    if (successor !== undefined) this.sendTimeoutNow(successor);
    this.logger?.info('stepping down: removed from the configuration', { id: this.id, successor });
    this.becomeFollower(this.term, NONE);
  }
}
