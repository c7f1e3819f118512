// One raftkv member: the raft driver, durable log, peer transport and replicated state wired
// together behind the MemberService interface that api/ speaks to.
import { ProposalDroppedError, StateType, MessageType } from '../../raft/types.js';
import { ProgressState } from '../../raft/progress.js';
import type { RawNode } from '../../raft/raw-node.js';
import type { ConfChange, Message, ReadState, SoftState } from '../../raft/types.js';
import { ConfChangeType } from '../../raft/types.js';
import { Store } from '../store/store.js';
import { EtcdError, ErrorCode } from '../store/types.js';
import type { StoreEvent, V2Request } from '../store/types.js';
import { DurableLog } from '../storage/durable-log.js';
import type { LoadedState } from '../storage/durable-log.js';
import { PeerTransport, REMOVED_MEMBER_REFUSAL } from '../transport/peer-transport.js';
import { encodeCommand } from './commands.js';
import type { Command } from './commands.js';
import type { MemberConfig } from './config.js';
import { memberIdFor } from './ids.js';
import { LeaderStats } from './leader-stats.js';
import type { Logger } from './logger.js';
import { MembershipError } from './member-service.js';
import type { MemberInfo, MemberService, RaftIndexes, WatchHandle } from './member-service.js';
import { Membership, encodeMemberContext } from './membership.js';
import type { MemberContext } from './membership.js';
import { bootstrapIdentity, joinIdentity, JOIN_INFO_REQUEST, joinInfoFor } from './identity.js';
import type { IdentityMeta } from './identity.js';
import { MemberMetrics } from './metrics.js';
import { RaftDriver } from './raft-driver.js';
import { ReadBatcher } from './read-batcher.js';
import { StateMachine } from './state-machine.js';
import type { ApplyOutcome } from './state-machine.js';
import { Waiters } from './waiters.js';

const SYNC_INTERVAL_MS = 500;
/** A learner whose log is this close to the commit index is promoted to voter. */
const LEARNER_PROMOTION_LAG = 1000;
/** Entries kept behind a snapshot (etcd keeps 5000) so a briefly slow follower needs no snapshot. */
const CATCH_UP_ENTRIES = 5000;

function timeoutError(cause = 'etcdserver: request timed out'): EtcdError {
  return new EtcdError(ErrorCode.RaftInternal, cause);
}

export class Member implements MemberService {
  readonly metrics: MemberMetrics;
  private readonly waiters = new Waiters<ApplyOutcome | undefined>();
  private readonly reads: ReadBatcher;
  private readonly followerStats = new LeaderStats();
  private readonly driver: RaftDriver;
  private readonly sm: StateMachine;
  private readonly transport: PeerTransport;
  private readonly startTime = new Date();
  private softState: SoftState = { lead: '', state: StateType.Follower };
  private leaderSince: Date | undefined;
  private leaderWaiters: (() => void)[] = [];
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private removalReported = false;
  private promotionInFlight = false;
  private syncInFlight = false;
  private recvAppendCnt = 0;
  private sendAppendCnt = 0;
  private stopping = false;
  /** Called when this member learns it was removed from the cluster. */
  onRemoved: () => void = () => {};

  private constructor(
    private readonly config: MemberConfig,
    private readonly log: DurableLog,
    loaded: LoadedState,
    private readonly identity: IdentityMeta,
    private readonly logger: Logger,
  ) {
    this.memberId = identity.memberId;
    this.clusterId = identity.clusterId;
    this.name = config.name;
    this.requestTimeoutMs = 5000 + 2 * config.electionTimeoutMs;
    const membership = Membership.fromData(identity.initialMembers);
    this.sm = new StateMachine(this.memberId, new Store(), membership, {
      onOwnApplied: (seq, outcome) => this.waiters.trigger(seq, outcome),
      onMembershipChanged: (cc) => this.onMembershipChanged(cc),
    }, 1000);
    this.metrics = new MemberMetrics({
      isLeader: () => (this.isLeader() ? 1 : 0),
      watchers: () => this.sm.store.watcherCount,
      appliedIndex: () => this.driver.applied,
    });
    this.transport = new PeerTransport({
      memberId: this.memberId,
      clusterId: this.clusterId,
      listenUrls: config.listenPeerUrls,
      logger: logger,
      onMessages: (msgs) => this.onPeerMessages(msgs),
      onRequest: async (kind, body) => {
        if (kind !== JOIN_INFO_REQUEST) throw new Error(`unknown peer request ${kind}`);
        return joinInfoFor(body, this.identity, this.sm.membership);
      },
      isRemoved: (id) => this.sm.membership.isRemoved(id),
      onRefused: (_peer, reason) => {
        if (reason === REMOVED_MEMBER_REFUSAL) this.reportRemoved();
      },
      onSnapshotStatus: (to, ok) => this.driver.withNode((n) => n.reportSnapshot(to, ok)),
      onUnreachable: (id) => {
        this.followerStats.failed(id);
        this.driver.withNode((n) => n.reportUnreachable(id));
      },
    });
    if (loaded.snapshot) this.sm.restoreSnapshot(loaded.snapshot);
    this.driver = new RaftDriver({
      id: this.memberId,
      log,
      loaded,
      bootstrap: identity.bootstrap,
      tickMs: config.heartbeatIntervalMs,
      electionTick: Math.max(2, Math.round(config.electionTimeoutMs / config.heartbeatIntervalMs)),
      applier: {
        applyEntry: (e) => this.sm.applyEntry(e),
        applyConfChange: (cc, applyToRaft) => this.sm.applyConfChange(cc, applyToRaft),
        restoreSnapshot: (snap) => {
          this.sm.restoreSnapshot(snap);
          this.onMembershipChanged();
        },
        snapshotData: () => this.sm.snapshotData(),
      },
      send: (msgs) => this.sendToPeers(msgs),
      snapshotCount: config.snapshotCount,
      catchUpEntries: Math.min(CATCH_UP_ENTRIES, config.snapshotCount),
      onSoftState: (ss) => this.onSoftState(ss),
      onReadStates: (rs) => this.onReadStates(rs),
      onApplied: (index) => this.reads.onApplied(index),
      onFatal: (err) => {
        this.logger.fatal({ err: String(err), stack: (err as Error)?.stack }, 'raft loop failed; exiting');
        process.exit(1);
      },
      logger,
    });
    this.reads = new ReadBatcher({
      contextPrefix: this.memberId,
      requestReadIndex: (ctx) => this.driver.withNode((n) => n.readIndex(ctx)),
      appliedIndex: () => this.driver.applied,
      roundTimeoutMs: config.electionTimeoutMs,
      requestTimeoutMs: this.requestTimeoutMs,
      timeoutError,
    });
  }

  readonly memberId: string;
  readonly clusterId: string;
  readonly name: string;
  private readonly requestTimeoutMs: number;

  /** Opens (or creates) the member's data and starts Raft and the peer transport. */
  static async start(config: MemberConfig, logger: Logger): Promise<Member> {
    const log = await DurableLog.open(config.dataDir, { logger });
    const loaded = await log.load();
    let identity = loaded.meta.identity as IdentityMeta | undefined;
    /** Who the cluster has now, for a joining member whose replicated list starts at the founders. */
    let currentMembers: MemberInfo[] = [];
    if (!identity) {
      const joining = config.initialClusterState === 'existing';
      try {
        if (joining) ({ identity, currentMembers } = await joinIdentity(config));
        else identity = bootstrapIdentity(config);
      } catch (err) {
        await log.close();
        throw err;
      }
      await log.setMeta('identity', identity);
      logger.info({ memberId: identity.memberId, clusterId: identity.clusterId }, joining ? 'joining a running cluster' : 'starting a new member of a new cluster');
    } else {
      logger.info({ memberId: identity.memberId, clusterId: identity.clusterId, entries: loaded.entries.length }, 'restarting member from its data');
    }
    const member = new Member(config, log, loaded, identity, logger);
    await member.transport.start();
    member.syncPeers(currentMembers);
    member.driver.start();
    member.housekeepingTimer = setInterval(() => {
      member.maybeSync();
      member.maybePromoteLearner();
    }, SYNC_INTERVAL_MS);
    void member.publishAttributes();
    return member;
  }

  // ---- MemberService ----

  async handle(req: V2Request): Promise<StoreEvent> {
    if (req.method === 'GET') {
      if (req.quorum) await this.reads.read();
      return this.sm.store.get(req.path, { recursive: req.recursive, sorted: req.sorted }, Date.now());
    }
    const outcome = await this.propose((seq) => ({ kind: 'v2', from: this.memberId, seq, req }));
    if (!outcome) throw new EtcdError(ErrorCode.RaftInternal, 'unexpected empty apply result');
    if ('error' in outcome) throw outcome.error;
    return outcome.event;
  }

  watch(req: V2Request, onEvent: (ev: StoreEvent) => void): WatchHandle {
    const startIndex = this.sm.store.index;
    const w = this.sm.store.watch(req.path, { recursive: req.recursive, stream: req.stream, sinceIndex: req.waitIndex }, onEvent);
    return { startIndex, close: () => w.remove() };
  }

  indexes(): RaftIndexes {
    const hs = this.driver.node.hardState();
    return { etcdIndex: this.sm.store.index, raftIndex: hs.commit, raftTerm: hs.term };
  }

  members(): MemberInfo[] {
    return this.sm.membership.list();
  }

  leaderId(): string | undefined {
    return this.softState.lead || undefined;
  }

  selfStats(): object {
    const leader = this.softState.lead;
    return {
      name: this.name,
      id: this.memberId,
      state: this.isLeader() ? 'StateLeader' : 'StateFollower',
      startTime: this.startTime.toISOString(),
      leaderInfo: {
        leader,
        uptime: this.leaderSince ? formatGoDuration(Date.now() - this.leaderSince.getTime()) : '',
        startTime: this.leaderSince?.toISOString() ?? '',
      },
      recvAppendRequestCnt: this.recvAppendCnt,
      sendAppendRequestCnt: this.sendAppendCnt,
    };
  }

  leaderStats(): object | undefined {
    if (!this.isLeader()) return undefined;
    const followers = this.sm.membership.list().map((m) => m.id).filter((id) => id !== this.memberId);
    return this.followerStats.toJSON(this.memberId, followers);
  }

  storeStats(): object {
    return this.sm.store.stats();
  }

  healthy(): boolean {
    return this.softState.lead !== '';
  }

  metricsText(): string {
    return this.metrics.render();
  }

  /** Adds a learner; the leader promotes it to voter once it has caught up (maybePromoteLearner). */
  async addMember(peerURLs: string[]): Promise<MemberInfo> {
    if (this.sm.membership.usingPeerURL(peerURLs)) throw new MembershipError('peer-url-exists');
    const id = memberIdFor(peerURLs, '', Math.floor(Date.now() / 1000));
    if (this.sm.membership.has(id) || this.sm.membership.isRemoved(id)) throw new MembershipError('id-exists');
    await this.proposeConfChange(ConfChangeType.AddLearnerNode, id, { name: '', peerURLs });
    // As etcd answers: the member as added, before it has started and published a name.
    return { id, name: '', peerURLs, clientURLs: [] };
  }

  async updateMember(id: string, peerURLs: string[]): Promise<void> {
    this.requireMember(id);
    if (this.sm.membership.usingPeerURL(peerURLs, id)) throw new MembershipError('peer-url-exists');
    await this.propose((seq) => ({ kind: 'peer-urls', from: this.memberId, seq, memberId: id, peerURLs }));
  }

  async removeMember(id: string): Promise<void> {
    this.requireMember(id);
    await this.proposeConfChange(ConfChangeType.RemoveNode, id, { name: '', peerURLs: [] });
  }

  // ---- lifecycle ----

  /** SIGTERM: hand leadership to a caught-up peer if leader, flush what is in flight, close. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.housekeepingTimer);
    if (this.isLeader()) await this.transferLeadership();
    await this.driver.stop();
    await this.transport.stop();
    const stopped = new EtcdError(ErrorCode.RaftInternal, 'etcdserver: server stopped');
    this.waiters.failAll(stopped);
    this.reads.failAll(stopped);
    await this.log.close();
  }

  isLeader(): boolean {
    return this.softState.state === StateType.Leader;
  }

  // ---- internals ----

  private propose(build: (seq: number) => Command): Promise<ApplyOutcome | undefined> {
    return this.submit((seq) => {
      const data = encodeCommand(build(seq));
      return (n) => n.propose(data);
    });
  }

  /**
   * A leader silently drops a peer's configuration change while another is pending (a new
   * leader counts its whole unapplied tail as pending), so a change not applied within an
   * election timeout is proposed again; the state machine ignores a change that commits twice.
   */
  private async proposeConfChange(type: ConfChangeType, nodeId: string, ctx: MemberContext): Promise<void> {
    const build = (seq: number): ((node: RawNode) => void) => {
      const cc = { type, nodeId, context: encodeMemberContext({ ...ctx, proposer: { from: this.memberId, seq } }) };
      return (n) => n.proposeConfChange(cc);
    };
    const outcome = await this.submit(build, this.config.electionTimeoutMs);
    if (outcome && 'error' in outcome) throw outcome.error;
  }

  /**
   * Proposes what `build` makes for a waiter's seq, and resolves when this member has applied it.
   * With `reproposeEveryMs`, proposes again at that interval until applied (idempotent changes only).
   */
  private async submit(build: (seq: number) => (node: RawNode) => void, reproposeEveryMs?: number): Promise<ApplyOutcome | undefined> {
    const sentAt = Date.now();
    const { seq, done } = this.waiters.register(this.requestTimeoutMs, () => {
      this.metrics.proposalsFailed.inc();
      return this.proposalTimeout(sentAt);
    });
    // With no leader, offer() can still be waiting for one when the waiter's deadline passes:
    // its rejection is collected by `await done` below, and must not count as unhandled meanwhile
    // (an unhandled rejection ends the process).
    done.catch(() => undefined);
    const proposeTo = build(seq);
    const deadline = Date.now() + this.requestTimeoutMs;
    await this.offer(proposeTo, deadline);
    if (reproposeEveryMs !== undefined) {
      this.reproposeUntilSettled(done, proposeTo, deadline, reproposeEveryMs).catch((err) => this.logger.warn({ err: String(err) }, 'proposing again failed'));
    }
    const outcome = await done;
    this.metrics.proposalsCommitted.inc();
    return outcome;
  }

  /**
   * Hands a proposal to raft. Without a leader raft refuses at once; wait for one (an election
   * takes about one election timeout) rather than failing a write that could succeed moments later.
   */
  private async offer(proposeTo: (node: RawNode) => void, deadline: number): Promise<void> {
    while (!this.stopping) {
      try {
        this.driver.withNode(proposeTo);
        return;
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
        if (Date.now() >= deadline) return;
        await this.leaderChangeOrDelay(Math.min(100, deadline - Date.now()));
      }
    }
  }

  private async reproposeUntilSettled(done: Promise<unknown>, proposeTo: (node: RawNode) => void, deadline: number, everyMs: number): Promise<void> {
    let settled = false;
    done.then(() => (settled = true), () => (settled = true));
    while (!this.stopping && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, everyMs));
      if (settled) return;
      await this.offer(proposeTo, deadline);
    }
  }

  /**
   * etcd's answer to a proposal that timed out: it names the likely cause when a new leader was
   * elected after the proposal was made (a proposal forwarded to a leader that died is lost).
   */
  private proposalTimeout(sentAt: number): EtcdError {
    const elected = this.leaderSince?.getTime();
    const leaderLostBy = elected === undefined ? undefined : elected - 2 * this.config.electionTimeoutMs;
    if (elected !== undefined && leaderLostBy !== undefined && sentAt > leaderLostBy && sentAt < elected) {
      return timeoutError('etcdserver: request timed out, possibly due to previous leader failure');
    }
    return timeoutError();
  }

  private leaderChangeOrDelay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.leaderWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onSoftState(ss: SoftState): void {
    if (ss.lead !== this.softState.lead) {
      this.metrics.leaderChanges.inc();
      this.leaderSince = ss.lead ? new Date() : undefined;
      this.logger.info({ leader: ss.lead || null, state: ss.state }, ss.lead ? 'leader elected' : 'leader lost');
      const ws = this.leaderWaiters;
      this.leaderWaiters = [];
      for (const w of ws) w();
    }
    this.softState = ss;
  }

  private onReadStates(rs: ReadState[]): void {
    for (const r of rs) this.reads.onReadState(r.requestCtx, r.index);
  }

  private onPeerMessages(msgs: Message[]): void {
    const now = Date.now();
    for (const m of msgs) {
      if (m.type === MessageType.App) this.recvAppendCnt++;
      else if (m.type === MessageType.HeartbeatResp || m.type === MessageType.AppResp) this.followerStats.answered(m.from, now);
    }
    this.driver.step(msgs);
  }

  private sendToPeers(msgs: Message[]): void {
    if (msgs.length === 0) return;
    const now = Date.now();
    for (const m of msgs) {
      if (m.type === MessageType.App) this.sendAppendCnt++;
      else if (m.type === MessageType.Heartbeat) this.followerStats.heartbeatSent(m.to, now);
    }
    this.transport.send(msgs);
  }

  private requireMember(id: string): void {
    if (this.sm.membership.isRemoved(id)) throw new MembershipError('removed');
    if (!this.sm.membership.has(id)) throw new MembershipError('not-found');
  }

  private onMembershipChanged(cc?: ConfChange): void {
    if (cc?.type === ConfChangeType.RemoveNode) this.followerStats.forget(cc.nodeId);
    if (this.sm.membership.isRemoved(this.memberId)) return this.reportRemoved();
    this.syncPeers();
  }

  /** Links to every member the replicated list (plus `extra`) names; none to removed ones. */
  private syncPeers(extra: readonly MemberInfo[] = []): void {
    for (const m of [...extra, ...this.sm.membership.list()]) if (m.id !== this.memberId) this.transport.addPeer(m.id, m.peerURLs);
    for (const id of this.sm.membership.removedIds()) this.transport.removePeer(id);
  }

  private reportRemoved(): void {
    if (this.removalReported) return;
    this.removalReported = true;
    this.logger.error({}, REMOVED_MEMBER_REFUSAL);
    this.onRemoved();
  }

  /** Leader only: promotes one caught-up learner at a time (raft allows one pending change). */
  private maybePromoteLearner(): void {
    if (!this.isLeader() || this.promotionInFlight) return;
    const st = this.driver.node.status();
    for (const id of st.confState.learners) {
      const pr = st.progress?.[id];
      // Replicating (not probing or awaiting a snapshot) and close behind: it can vote usefully.
      if (!pr || pr.state !== ProgressState.Replicate || pr.match + LEARNER_PROMOTION_LAG < st.commit) continue;
      this.logger.info({ learner: id, match: pr.match, commit: st.commit }, 'promoting a caught-up learner to voter');
      this.promotionInFlight = true;
      this.proposeConfChange(ConfChangeType.AddNode, id, { name: '', peerURLs: this.sm.membership.get(id)?.peerURLs ?? [] })
        .catch((err) => this.logger.warn({ learner: id, err: String(err) }, 'learner promotion did not commit; will retry'))
        .finally(() => (this.promotionInFlight = false));
      return;
    }
  }

  /** The leader's clock reaches followers only through SYNC entries: that is when keys expire. */
  private maybeSync(): void {
    if (!this.isLeader() || this.syncInFlight) return;
    const next = this.sm.store.nextExpiration();
    const now = Date.now();
    if (next === undefined || next > now) return;
    this.syncInFlight = true;
    try {
      this.driver.withNode((n) => n.propose(encodeCommand({ kind: 'sync', time: now })));
    } catch {
      // Lost leadership in between; the next leader will sync.
    }
    // A SYNC has no waiter: allow the next one after an interval whatever happened to this one.
    setTimeout(() => (this.syncInFlight = false), SYNC_INTERVAL_MS).unref();
  }

  /** Like etcd's publish: make this member's name and client URLs part of the replicated member list. */
  private async publishAttributes(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.propose((seq) => ({
          kind: 'attrs',
          from: this.memberId,
          seq,
          memberId: this.memberId,
          name: this.name,
          clientURLs: this.config.advertiseClientUrls,
        }));
        this.logger.info({ clientURLs: this.config.advertiseClientUrls }, 'published member attributes to the cluster');
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async transferLeadership(): Promise<void> {
    const progress = this.driver.node.status().progress ?? {};
    let best: string | undefined;
    let bestMatch = -1;
    for (const [id, pr] of Object.entries(progress)) {
      if (id === this.memberId || this.sm.membership.get(id)?.isLearner) continue;
      if (pr.match > bestMatch) {
        best = id;
        bestMatch = pr.match;
      }
    }
    if (!best) return;
    this.logger.info({ to: best }, 'transferring leadership before stopping');
    try {
      this.driver.withNode((n) => n.transferLeader(best));
    } catch {
      return;
    }
    const deadline = Date.now() + this.config.electionTimeoutMs;
    while (this.isLeader() && Date.now() < deadline) await this.leaderChangeOrDelay(deadline - Date.now());
  }
}

/** Go's time.Duration String() for positive durations, e.g. "1m2.5s", "350ms". */
function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = +(totalSeconds % 60).toFixed(3);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

