// Membership changes as a member makes and follows them: add (as a learner), update, remove; the
// leader promoting a caught-up learner; peer links kept to exactly the replicated member list;
// and noticing that this member itself was removed.
import { ConfChangeType, ProgressState } from '../../raft/index.js';
import type { RaftStatus } from '../../raft/index.js';
import { memberIdFor } from './ids.js';
import type { LeaderTracker } from './leader-tracker.js';
import { MembershipError } from './member-service.js';
import type { MemberInfo } from './member-service.js';
import type { Membership } from './membership.js';
import type { Proposer } from './proposer.js';
import { refuseAddVoter, refuseRemove } from './reconfig-check.js';
import type { ReconfigView } from './reconfig-check.js';
import type { Clock, Timer } from './seams.js';

/** A learner whose log is this close to the commit index is promoted to voter. */
const LEARNER_PROMOTION_LAG = 1000;
const PROMOTION_CHECK_MS = 500;

/** The peer links a member keeps (PeerTransport in production). */
export interface PeerLinks {
  addPeer(id: string, urls: string[]): void;
  removePeer(id: string): void;
}

export interface MembershipChangesOptions {
  selfId: string;
  clock: Clock;
  /** The replicated member list as applied so far (it is replaced when a snapshot is installed). */
  membership(): Membership;
  proposer: Proposer;
  leader: LeaderTracker;
  raftStatus(): RaftStatus;
  peers: PeerLinks;
  /** etcd's --strict-reconfig-check: refuse changes that could cost the quorum. */
  strictReconfigCheck: boolean;
  /** When (clock ms) the link to a peer came up; undefined while it is down. */
  peerActiveSince(id: string): number | undefined;
  /** This member learned it was removed from the cluster; called once. */
  onRemoved(): void;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class MembershipChanges {
  private promotionInFlight = false;
  private removalReported = false;
  private timer: Timer | undefined;
  private started = false;

  constructor(private readonly opts: MembershipChangesOptions) {}

  /** Links to every member the replicated list (plus `extra`, who a joiner heard of) names. */
  start(extra: readonly MemberInfo[] = []): void {
    this.started = true;
    if (this.opts.membership().isRemoved(this.opts.selfId)) this.reportRemoved();
    else this.syncPeers(extra);
    this.timer = this.opts.clock.setInterval(() => this.maybePromoteLearner(), PROMOTION_CHECK_MS);
  }

  stop(): void {
    this.opts.clock.clearTimer(this.timer);
  }

  /** Adds a learner; the leader promotes it to voter once it has caught up. */
  async add(peerURLs: string[]): Promise<MemberInfo> {
    const m = this.opts.membership();
    if (m.usingPeerURL(peerURLs)) throw new MembershipError('peer-url-exists');
    const id = memberIdFor(peerURLs, '', Math.floor(this.opts.clock.now() / 1000));
    if (m.has(id) || m.isRemoved(id)) throw new MembershipError('id-exists');
    // A v2 member add makes a voter (raftkv's learner stage is only how it catches up first).
    if (this.opts.strictReconfigCheck) this.refuseIf(refuseAddVoter(this.view()));
    await this.opts.proposer.proposeConfChange(ConfChangeType.AddLearnerNode, id, { name: '', peerURLs });
    // As etcd answers: the member as added, before it has started and published a name.
    return { id, name: '', peerURLs, clientURLs: [] };
  }

  async update(id: string, peerURLs: string[]): Promise<void> {
    this.requireMember(id);
    if (this.opts.membership().usingPeerURL(peerURLs, id)) throw new MembershipError('peer-url-exists');
    await this.opts.proposer.propose((rid) => ({ kind: 'peer-urls', ...rid, memberId: id, peerURLs }));
  }

  async remove(id: string): Promise<void> {
    this.requireMember(id);
    if (this.opts.strictReconfigCheck) this.refuseIf(refuseRemove(this.view(), id));
    await this.opts.proposer.proposeConfChange(ConfChangeType.RemoveNode, id, { name: '', peerURLs: [] });
  }

  /** The applied member list changed (a conf change, new peer URLs, or a snapshot). */
  changed(): void {
    if (!this.started) return;
    if (this.opts.membership().isRemoved(this.opts.selfId)) return this.reportRemoved();
    this.syncPeers();
  }

  /** A peer refused this member as removed: it may never see its removal applied. */
  reportRemoved(): void {
    if (this.removalReported) return;
    this.removalReported = true;
    this.opts.onRemoved();
  }

  private syncPeers(extra: readonly MemberInfo[] = []): void {
    const m = this.opts.membership();
    for (const member of [...extra, ...m.list()]) if (member.id !== this.opts.selfId) this.opts.peers.addPeer(member.id, member.peerURLs);
    for (const id of m.removedIds()) this.opts.peers.removePeer(id);
  }

  private view(): ReconfigView {
    const { selfId, clock } = this.opts;
    return { selfId, members: this.opts.membership().list(), activeSince: (id) => this.opts.peerActiveSince(id), now: clock.now() };
  }

  private refuseIf(reason: string | undefined): void {
    if (reason !== undefined) throw new Error(reason);
  }

  private requireMember(id: string): void {
    const m = this.opts.membership();
    if (m.isRemoved(id)) throw new MembershipError('removed');
    if (!m.has(id)) throw new MembershipError('not-found');
  }

  /** Leader only: promotes one caught-up learner at a time (raft allows one pending change). */
  private maybePromoteLearner(): void {
    if (!this.opts.leader.isLeader || this.promotionInFlight) return;
    const st = this.opts.raftStatus();
    for (const id of st.confState.learners) {
      const pr = st.progress?.[id];
      // Replicating (not probing or awaiting a snapshot) and close behind: it can vote usefully.
      if (!pr || pr.state !== ProgressState.Replicate || pr.match + LEARNER_PROMOTION_LAG < st.commit) continue;
      this.opts.logger.info({ learner: id, match: pr.match, commit: st.commit }, 'promoting a caught-up learner to voter');
      this.promotionInFlight = true;
      const peerURLs = this.opts.membership().get(id)?.peerURLs ?? [];
      this.opts.proposer
        .proposeConfChange(ConfChangeType.AddNode, id, { name: '', peerURLs })
        .catch((err) => this.opts.logger.warn({ learner: id, err: String(err) }, 'learner promotion did not commit; will retry'))
        .finally(() => (this.promotionInFlight = false));
      return;
    }
  }
}
