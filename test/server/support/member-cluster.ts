// Real Members in one process: production code from the proposer down to the v2 store, over a
// FakeClock, in-memory log stores and a network the test controls (cut links, drop messages).
// Nothing here listens on a socket or waits for real time.
import pino from 'pino';
import { MessageType } from '../../../raft/index.js';
import type { Message } from '../../../raft/index.js';
import { defaultConfig } from '../../../src/server/config.js';
import type { MemberConfig } from '../../../src/server/config.js';
import { bootstrapIdentity } from '../../../src/server/identity.js';
import type { IdentityMeta } from '../../../src/server/identity.js';
import { Member } from '../../../src/server/member.js';
import type { PeerHandlers, PeerNetwork } from '../../../src/server/seams.js';
import { MemberMetrics } from '../../../src/server/metrics.js';
import { emptyPeerStats } from '../../../src/transport/peer-stats.js';
import type { PeerStats } from '../../../src/transport/peer-stats.js';
import type { V2Request } from '../../../src/store/types.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryLogStore } from '../../support/memory-log-store.js';
import { Random } from '../../sim/random.js';

/**
 * Elections go the same way on every run. A disk started again (a restart, in this cluster or a
 * new one) gets another seed: a process's run id comes from its random source, and a restarted
 * member must not draw its previous process's.
 */
const launchesOf = new WeakMap<MemoryLogStore, number>();

function seeded(seed: number): () => number {
  const rng = new Random(seed);
  return () => rng.next();
}

const NETWORK_DELAY_MS = 1;
const silent = pino({ level: 'silent' });

/** One member's end of the fake network. */
class FakePeers implements PeerNetwork {
  appendsSent = 0;
  appendsReceived = 0;
  /** Peers linked, and when (fake clock ms) each link came up. */
  readonly linked = new Map<string, number>();

  constructor(
    private readonly net: FakeNetwork,
    readonly id: string,
    readonly handlers: PeerHandlers,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.net.detach(this.id);
  }
  addPeer(id: string): void {
    if (!this.linked.has(id)) this.linked.set(id, this.net.now());
  }
  removePeer(id: string): void {
    this.linked.delete(id);
  }
  send(msgs: Message[]): void {
    for (const m of msgs) {
      if (m.type === MessageType.App) this.appendsSent++;
      if (this.linked.has(m.to)) this.net.carry(m);
    }
  }
  peerStats(id: string): PeerStats | undefined {
    const since = this.linked.get(id);
    if (since === undefined) return undefined;
    const up = this.net.connected(this.id, id);
    return { ...emptyPeerStats(), active: up, activeSince: up ? new Date(Math.max(since, this.net.healedAt)) : undefined };
  }
  leaderStats(leaderId: string, followerIds: string[], printId: (id: string) => string): object {
    return { leader: printId(leaderId), followers: Object.fromEntries(followerIds.map((id) => [printId(id), {}])) };
  }
}

export class FakeNetwork {
  private readonly ends = new Map<string, FakePeers>();
  /** Directed links that lose everything: "from>to". */
  private readonly cut = new Set<string>();
  /** Drops the next message matching this, once. */
  dropNext: ((m: Message) => boolean) | undefined;
  delivered = 0;

  constructor(private readonly clock: FakeClock) {}

  attach(id: string, handlers: PeerHandlers): FakePeers {
    const end = new FakePeers(this, id, handlers);
    this.ends.set(id, end);
    return end;
  }

  detach(id: string): void {
    this.ends.delete(id);
  }

  /** Cuts the link from `from` to `to` only: `to` hears nothing from `from`. */
  cutLink(from: string, to: string): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Cuts every link between `id` and the others, both ways. */
  isolate(id: string): void {
    for (const other of this.ends.keys()) if (other !== id) this.cut.add(`${id}>${other}`).add(`${other}>${id}`);
  }

  heal(): void {
    this.cut.clear();
    this.healedAt = this.clock.now();
  }

  /** When the last partition healed (clock ms): links count as up from then. */
  healedAt = 0;

  now(): number {
    return this.clock.now();
  }

  connected(from: string, to: string): boolean {
    return this.ends.has(to) && !this.cut.has(`${from}>${to}`);
  }

  carry(m: Message): void {
    if (this.cut.has(`${m.from}>${m.to}`)) return;
    if (this.dropNext?.(m)) {
      this.dropNext = undefined;
      return;
    }
    const copy = structuredClone(m);
    this.clock.setTimeout(() => {
      const to = this.ends.get(m.to);
      if (!to || this.cut.has(`${m.from}>${m.to}`)) return;
      this.delivered++;
      if (copy.type === MessageType.App) to.appendsReceived++;
      to.handlers.onMessages([copy]);
      // The real transport reports a snapshot once the peer's raft has it.
      if (copy.type === MessageType.Snap) this.ends.get(m.from)?.handlers.onSnapshotStatus?.(m.to, true);
    }, NETWORK_DELAY_MS);
  }
}

export interface ClusterSettings {
  size?: number;
  snapshotCount?: number;
  heartbeatIntervalMs?: number;
  electionTimeoutMs?: number;
  strictReconfigCheck?: boolean;
  /** --initial-cluster-token, from which member ids are derived. */
  token?: string;
}

export interface RunningMember {
  name: string;
  identity: IdentityMeta;
  member: Member;
  log: MemoryLogStore;
  metrics: MemberMetrics;
  fatal: unknown[];
  removed: boolean;
}

export class MemberCluster {
  readonly clock = new FakeClock();
  readonly net = new FakeNetwork(this.clock);
  readonly members: RunningMember[] = [];
  private readonly founders: MemberConfig[];

  constructor(private readonly settings: ClusterSettings = {}) {
    const size = settings.size ?? 3;
    const initialCluster = Array.from({ length: size }, (_, i) => ({ name: `m${i + 1}`, peerUrls: [`http://10.0.0.${i + 1}:2380`] }));
    this.founders = initialCluster.map((m) => this.configFor(m.name, m.peerUrls, initialCluster));
  }

  /** Starts every founder and waits (in fake time) for a leader that has published everyone. */
  async start(): Promise<this> {
    for (const config of this.founders) await this.launch(config, bootstrapIdentity(config));
    await this.clock.until(() => this.leader() !== undefined, 'a leader elected');
    await this.clock.until(() => this.members.every((m) => m.member.members().every((x) => x.name !== '')), 'every member published');
    return this;
  }

  configFor(name: string, peerUrls: string[], initialCluster = this.founders.map((c) => ({ name: c.name, peerUrls: c.initialAdvertisePeerUrls }))): MemberConfig {
    return {
      ...defaultConfig(),
      name,
      dataDir: `/nonexistent/${name}`,
      listenPeerUrls: peerUrls,
      initialAdvertisePeerUrls: peerUrls,
      advertiseClientUrls: [`http://${name}.test:2379`],
      initialCluster,
      initialClusterToken: this.settings.token ?? 'member-cluster',
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs ?? 100,
      electionTimeoutMs: this.settings.electionTimeoutMs ?? 1000,
      snapshotCount: this.settings.snapshotCount ?? 10_000,
      strictReconfigCheck: this.settings.strictReconfigCheck ?? true,
    };
  }

  /** Starts a member (a founder, or a newcomer with the identity the cluster gave it) on a fresh disk. */
  async launch(config: MemberConfig, identity: IdentityMeta, log = new MemoryLogStore(identity.bootstrap)): Promise<RunningMember> {
    const launches = launchesOf.get(log) ?? 0;
    launchesOf.set(log, launches + 1);
    const metrics = new MemberMetrics({ memberId: identity.memberId, processMetrics: false });
    const running: RunningMember = { name: config.name, identity, member: undefined!, log, metrics, fatal: [], removed: false };
    running.member = new Member({
      config,
      identity,
      loaded: log.load(),
      log,
      clock: this.clock,
      random: seeded(this.members.length + 1 + 1000 * launches),
      logger: silent,
      metrics,
      peers: (handlers) => this.net.attach(identity.memberId, handlers),
      onFatal: (err) => running.fatal.push(err),
      onRemoved: () => (running.removed = true),
    });
    await running.member.start();
    this.members.push(running);
    return running;
  }

  leader(): RunningMember | undefined {
    return this.members.find((m) => !m.removed && m.member.isLeader());
  }

  follower(): RunningMember {
    const f = this.members.find((m) => !m.removed && !m.member.isLeader());
    if (!f) throw new Error('no follower');
    return f;
  }

  byId(id: string): RunningMember {
    const m = this.members.find((x) => x.member.memberId === id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  /** A v2 request as the api would build it, stamped with the cluster's clock. */
  request(fields: Omit<V2Request, 'time'>): V2Request {
    return { ...fields, time: this.clock.now() };
  }

  /** Settles a promise while fake time runs; fails if it has not settled within `limitMs`. */
  async within<T>(p: Promise<T>, what: string, limitMs = 30_000): Promise<T> {
    let settled = false;
    const observed = p.then(
      (v) => ((settled = true), v),
      (e: unknown) => {
        settled = true;
        throw e;
      },
    );
    observed.catch(() => undefined);
    await this.clock.until(() => settled, what, limitMs);
    return observed;
  }

  async stop(): Promise<void> {
    for (const m of this.members) {
      const stopping = m.member.stop();
      await this.clock.advance(5000);
      await stopping;
    }
  }
}
