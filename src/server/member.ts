// One raftkv member: the MemberService that api/ speaks to, over rooms named for their jobs —
// the raft driver, the state machine, the proposer, quorum reads, membership changes, the TTL
// SYNC loop — plus start and stop. Everything from the outside world (clock, disk, randomness,
// peer network, what to do on a fatal error) is handed in by the composition root (bin/serve.ts).
import type { Message } from '../../raft/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { StoreEvent, V2Request } from '../store/types.js';
import { EtcdError, ErrorCode } from '../store/types.js';
import type { LoadedState } from '../storage/durable-log.js';
import { REMOVED_MEMBER_REFUSAL } from '../transport/peer-transport.js';
import type { MemberConfig } from './config.js';
import { memberAuth } from './auth-apply.js';
import { memberPeerHandlers } from './member-peer-handlers.js';
import { ClusterClock } from './cluster-clock.js';
import { clusterVersion } from './cluster-version.js';
import { checkHealth } from './health.js';
import { driverEvents } from './driver-events.js';
import { formatId } from './ids.js';
import type { IdentityMeta } from './identity.js';
import { handOverAndDrain } from './graceful-stop.js';
import { LeaderTracker } from './leader-tracker.js';
import type { Logger } from './logger.js';
import type { MemberInfo, MemberService, RaftIndexes, RequestMetrics, WatchHandle } from './member-service.js';
import { MembershipChanges } from './membership-changes.js';
import { metricSource } from './metric-source.js';
import { proposeMigration } from './migrate-proposal.js';
import type { MigrateOp } from './migration.js';
import type { MemberMetrics } from './metrics.js';
import { Proposer } from './proposer.js';
import { publishAttributes } from './publication.js';
import { raftStatusJSON } from './raft-status-json.js';
import { RaftDriver } from './raft-driver.js';
import { ReadBatcher } from './read-batcher.js';
import { newRun } from './request-id.js';
import { takeOnlineSnapshot } from './online-snapshot.js';
import type { Clock, LogStore, PeerHandlers, PeerNetwork, Random } from './seams.js';
import { selfStats } from './self-stats.js';
import { StateMachine } from './state-machine.js';
import type { LeaderLoop } from './leader-loop.js';
import { TtlSync } from './ttl-sync.js';
import { ETCD_CLUSTER_VERSION } from './version.js';

/** Entries kept behind a snapshot (etcd keeps 5000) so a briefly slow follower needs no snapshot. */
const CATCH_UP_ENTRIES = 5000;

export interface MemberOptions {
  config: MemberConfig;
  identity: IdentityMeta;
  loaded: LoadedState;
  log: LogStore;
  clock: Clock;
  random: Random;
  logger: Logger;
  metrics: MemberMetrics;
  peers(handlers: PeerHandlers): PeerNetwork;
  /** Members a joining member heard of from the cluster, before its replicated list catches up. */
  knownMembers?: MemberInfo[];
  /** The raft loop cannot go on: the process must end. */
  onFatal(err: unknown): void;
  /** This member was removed from the cluster. */
  onRemoved(): void;
}

export class Member implements MemberService {
  readonly memberId: string;
  readonly clusterId: string;
  readonly name: string;
  readonly auth: AuthService;
  private readonly clock: Clock;
  private readonly clusterClock: ClusterClock;
  private readonly startedAt: number;
  private readonly sm: StateMachine;
  private readonly driver: RaftDriver;
  private readonly leader: LeaderTracker;
  private readonly proposer: Proposer;
  private readonly reads: ReadBatcher;
  private readonly changes: MembershipChanges;
  private readonly ttl: TtlSync;
  private readonly version: LeaderLoop;
  private readonly peers: PeerNetwork;
  private stopping = false;
  private handingOver: Promise<void> | undefined;
  readonly requestMetrics: RequestMetrics;
  /** Resolves true once this member's attributes are published (clients may be served), false if it stopped first. */
  ready: Promise<boolean> = Promise.resolve(false);

  constructor(private readonly opts: MemberOptions) {
    const { config, identity, clock, logger, metrics } = opts;
    this.memberId = identity.memberId;
    this.clusterId = identity.clusterId;
    this.name = config.name;
    this.clock = clock;
    this.clusterClock = new ClusterClock({ clock, selfId: identity.memberId, replayedThrough: opts.loaded.hardState.commit, announce: () => this.ttl.announce() });
    this.startedAt = clock.now();
    this.requestMetrics = metrics.requests;
    const requestTimeoutMs = 5000 + 2 * config.electionTimeoutMs;
    const withNode = (fn: Parameters<RaftDriver['withNode']>[0]): void => void this.driver.withNode(fn);

    this.leader = new LeaderTracker(clock, { electionTimeoutMs: config.electionTimeoutMs, term: () => this.driver.node.hardState().term });
    this.leader.onChange((lead, state) => {
      if (lead) metrics.leaderChanges.inc(); // as etcd: a new leader, not the loss of one
      logger.info({ leader: lead || null, state }, lead ? 'leader elected' : 'leader lost');
      if (lead !== this.memberId) return;
      this.version.proposeNow();
      this.ttl.announce();
    });
    this.proposer = new Proposer({
      selfId: this.memberId,
      run: newRun(opts.random),
      clock,
      leader: this.leader,
      withNode,
      requestTimeoutMs,
      electionTimeoutMs: config.electionTimeoutMs,
      onFailed: () => metrics.proposalsFailed.inc(),
      logger,
    });
    this.sm = new StateMachine(this.memberId, identity.initialMembers, {
      onOwnApplied: (id, outcome) => this.proposer.applied(id, outcome),
      onMembershipChanged: () => this.changes.changed(),
      onSync: (time) => this.clusterClock.synced(time),
      onPublished: (id, index) => this.clusterClock.published(id, index),
      onRestored: (settled) => this.proposer.restored(settled),
    }, undefined, metrics.store);
    this.auth = memberAuth(() => this.sm.auth, this.proposer);
    this.peers = opts.peers(memberPeerHandlers({ identity, driver: () => this.driver, membership: () => this.sm.membership, changes: () => this.changes }));
    this.changes = new MembershipChanges({
      selfId: this.memberId,
      clock,
      membership: () => this.sm.membership,
      proposer: this.proposer,
      leader: this.leader,
      raftStatus: () => this.driver.node.status(),
      peers: this.peers,
      strictReconfigCheck: config.strictReconfigCheck,
      peerActiveSince: (id) => {
        const link = this.peers.peerStats(id);
        return link?.active ? link.activeSince?.getTime() : undefined;
      },
      onRemoved: () => {
        logger.error({}, REMOVED_MEMBER_REFUSAL);
        opts.onRemoved();
      },
      logger,
    });
    this.driver = new RaftDriver({
      id: this.memberId,
      log: opts.log,
      loaded: opts.loaded,
      bootstrap: identity.bootstrap,
      clock,
      random: opts.random,
      tickMs: config.heartbeatIntervalMs,
      electionTick: Math.max(2, Math.round(config.electionTimeoutMs / config.heartbeatIntervalMs)),
      preVote: config.preVote,
      applier: this.sm,
      send: (msgs: Message[], flushNow?: boolean) => this.peers.send(msgs, flushNow),
      snapshotCount: config.snapshotCount,
      catchUpEntries: Math.min(CATCH_UP_ENTRIES, config.snapshotCount),
      events: driverEvents({ leader: () => this.leader, reads: () => this.reads, metrics, logger, onFatal: opts.onFatal }),
      logger,
    });
    this.reads = new ReadBatcher({
      clock,
      contextPrefix: this.memberId,
      requestReadIndex: (ctx) => this.driver.withNode((n) => n.readIndex(ctx)),
      appliedIndex: () => this.driver.applied,
      roundTimeoutMs: config.electionTimeoutMs,
      requestTimeoutMs,
      contact: this.leader,
    });
    const isLeader = (): boolean => this.leader.isLeader;
    this.ttl = new TtlSync({ clock, clusterNow: () => this.clusterClock.now(), isLeader, nextExpiration: () => this.sm.nextExpiration(), withNode });
    this.version = clusterVersion({ clock, version: ETCD_CLUSTER_VERSION, isLeader, isSet: () => this.sm.membership.clusterVersion !== undefined, withNode, logger });
    const { leader, driver, proposer, sm, peers } = this;
    metrics.readFrom(metricSource({ selfId: this.memberId, leader, driver, proposer, sm, peers }));
  }

  /** Listens for peers, links to them, starts raft and the loops, and publishes this member (see ready). */
  async start(): Promise<void> {
    await this.peers.start();
    this.changes.start(this.opts.knownMembers);
    this.driver.start();
    this.ttl.start();
    this.version.start();
    const { memberId: selfId, clusterId, name, proposer, clock, opts } = this;
    this.ready = publishAttributes({ selfId, clusterId, name, clientURLs: opts.config.advertiseClientUrls, proposer, clock, isStopping: () => this.stopping, logger: opts.logger });
  }

  // ---- MemberService ----

  async handle(req: V2Request): Promise<StoreEvent> {
    if (req.method === 'GET') {
      if (req.quorum) await this.reads.read();
      return this.sm.store.get(req.path, { recursive: req.recursive, sorted: req.sorted }, this.clusterClock.now());
    }
    // The cluster's time, not the edge's wall clock, goes into the log: it sets a TTL's expiration.
    const stamped = { ...req, time: this.clusterClock.now() };
    const outcome = await this.proposer.propose((id) => ({ kind: 'v2', ...id, req: stamped }));
    if (outcome !== undefined && 'event' in outcome) return outcome.event;
    throw outcome !== undefined && 'error' in outcome ? outcome.error : new EtcdError(ErrorCode.RaftInternal, 'unexpected empty apply result');
  }

  watch(req: V2Request, onEvent: (ev: StoreEvent) => void, onClosed: () => void): WatchHandle {
    const store = this.sm.store;
    const startIndex = store.index;
    const opts = { recursive: req.recursive, stream: req.stream, sinceIndex: req.waitIndex };
    const w = store.watch(req.path, opts, onEvent, () => onClosed());
    return { startIndex, close: () => w.remove() };
  }

  indexes(): RaftIndexes {
    const hs = this.driver.node.hardState();
    return { etcdIndex: this.sm.store.index, raftIndex: hs.commit, raftTerm: hs.term };
  }

  members = (): MemberInfo[] => this.sm.membership.list();
  leaderId = (): string | undefined => this.leader.leader || undefined;
  storeStats = (): object => this.sm.store.stats();

  selfStats(): object {
    return selfStats({
      name: this.name,
      id: formatId(this.memberId),
      isLeader: this.leader.isLeader,
      leader: this.leader.leader && formatId(this.leader.leader),
      startedAt: this.startedAt,
      leaderSince: this.leader.leaderSince,
      now: this.clock.now(),
      appendsReceived: this.peers.appendsReceived,
      appendsSent: this.peers.appendsSent,
    });
  }

  leaderStats(): object | undefined {
    if (!this.leader.isLeader) return undefined;
    const followers = this.sm.membership.list().map((m) => m.id).filter((id) => id !== this.memberId);
    return this.peers.leaderStats(this.memberId, followers, formatId);
  }

  healthy(): Promise<boolean> {
    return checkHealth(this.leader.leader !== '', () => this.reads.read(), this.clock);
  }

  metricsText(): Promise<string> {
    return this.opts.metrics.render();
  }

  addMember = (peerURLs: string[]): Promise<MemberInfo> => this.changes.add(peerURLs);
  updateMember = (id: string, peerURLs: string[]): Promise<void> => this.changes.update(id, peerURLs);
  removeMember = (id: string): Promise<void> => this.changes.remove(id);
  migrate = (op: MigrateOp): Promise<number> => proposeMigration(this.proposer, op);

  isLeader = (): boolean => this.leader.isLeader;
  onlineSnapshot = (): Promise<Buffer[]> => takeOnlineSnapshot({ memberId: this.memberId, clusterId: this.clusterId, readIndex: () => this.reads.read(),
    applied: () => ({ index: this.driver.applied, term: this.driver.appliedTerm }), snapshotData: () => this.sm.snapshotData() });
  raftStatus = (): object => raftStatusJSON(this.driver.node.status());

  // ---- lifecycle ----
  /** SIGTERM, first step: stop the leader's loops, hand leadership over, and answer what is in flight (see graceful-stop.ts). */
  handOver(): Promise<void> {
    this.handingOver ??= this.handOverOnce();
    return this.handingOver;
  }

  /** Closes what handOver left: raft, peers, and any request still waiting (etcd's "server stopped"). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.handOver();
    await this.driver.stop();
    await this.peers.stop();
    const stopped = new EtcdError(ErrorCode.RaftInternal, 'etcdserver: server stopped');
    this.proposer.stop(stopped);
    this.reads.failAll(stopped);
  }

  private async handOverOnce(): Promise<void> {
    this.ttl.stop();
    this.version.stop();
    this.changes.stop();
    const { config, logger } = this.opts;
    await handOverAndDrain({
      selfId: this.memberId,
      isLeader: () => this.leader.isLeader,
      withNode: (fn) => this.driver.withNode(fn),
      status: () => this.driver.node.status(),
      isLearner: (id) => this.sm.membership.get(id)?.isLearner === true,
      leader: this.leader,
      clock: this.clock,
      timeoutMs: config.electionTimeoutMs,
      inFlight: () => this.proposer.pending + this.reads.pending,
      drainMs: 2 * config.electionTimeoutMs,
      logger,
    });
  }
}
