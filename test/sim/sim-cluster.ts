// A simulated cluster: members, the network between them and the simulated time they share. Time
// moves in milliseconds, STEPS_PER_TICK of them per raft tick; each member's driver ticks on its
// own clock, messages arrive when due, disk writes land when due, and between batches every
// promise chain settles. Everything a member does is reported to the safety checker and folded
// into the trace.
import { MessageType } from '../../raft/types.js';
import type { ConfState, Message, NodeId } from '../../raft/types.js';
import type { MembershipData } from '../../src/server/membership.js';
import { SimNetwork } from './network.js';
import type { Delivery } from './network.js';
import type { Random } from './random.js';
import { SafetyChecker } from './safety-checker.js';
import type { LogView } from './safety-checker.js';
import { SimMember, peerURL } from './sim-member.js';
import type { MemberSettings, MemberWorld } from './sim-member.js';
import { SimTime } from './sim-time.js';
import { Tally } from './tally.js';
import type { Trace } from './trace.js';

/** Simulated milliseconds per raft tick: message delays and disk latencies are finer than the election clock. */
export const STEPS_PER_TICK = 10;

const MESSAGE_NAMES = Object.fromEntries(Object.entries(MessageType).map(([name, type]) => [type, name])) as Record<number, string>;

export class SimCluster implements MemberWorld {
  readonly checker = new SafetyChecker();
  readonly tally = new Tally();
  readonly time = new SimTime();
  readonly network: SimNetwork;
  /** When each peer's transport notices a process that ended. */
  private readonly detection: Random;
  readonly members = new Map<NodeId, SimMember>();
  readonly founders: MembershipData;
  private readonly bootstrap: ConfState;
  /** Instants at which a delivery is already scheduled. */
  private readonly deliveries = new Set<number>();
  private failure: { err: unknown } | undefined;
  /** Each member's log as it was when log matching last looked at it. */
  private readonly checkedLogs = new Map<NodeId, LogView['entries']>();

  constructor(
    size: number,
    private readonly settings: MemberSettings,
    private readonly random: Random,
    private readonly trace: Trace,
  ) {
    this.network = new SimNetwork(random.fork());
    this.detection = random.fork();
    const ids = Array.from({ length: size }, (_, i) => memberId(i + 1));
    this.bootstrap = { voters: ids, learners: [] };
    this.founders = { members: ids.map((id) => ({ id, name: id, peerURLs: [peerURL(id)], clientURLs: [] })), removed: [] };
    for (let i = 0; i < size; i++) this.addMember();
  }

  get ticks(): number {
    return Math.floor(this.time.now / STEPS_PER_TICK);
  }

  /**
   * Starts a member with a fresh id and an empty disk (a founder, or one about to be added).
   * Every member boots from the founding configuration, where the log's history begins: a
   * newcomer booted with an empty one would replay the log from index 1 into a configuration
   * without the founders and could elect itself alone.
   */
  addMember(): SimMember {
    const member = new SimMember(this.nextMemberId(), this.bootstrap, this.settings, this.random.fork(), this);
    this.members.set(member.id, member);
    member.start();
    return member;
  }

  nextMemberId(): NodeId {
    return memberId(this.members.size + 1);
  }

  member(id: NodeId): SimMember | undefined {
    return this.members.get(id);
  }

  running(): SimMember[] {
    return [...this.members.values()].filter((m) => m.liveness === 'up');
  }

  crashed(): SimMember[] {
    return [...this.members.values()].filter((m) => m.liveness === 'down');
  }

  /** The running member that leads the highest term, if any. */
  leader(): SimMember | undefined {
    let best: SimMember | undefined;
    for (const m of this.running()) if (m.isLeader && (!best || m.term > best.term)) best = m;
    return best;
  }

  /** Lets `ticks` ticks of simulated time pass; throws the first property a member broke meanwhile. */
  async runTicks(ticks: number): Promise<void> {
    await this.time.runUntil(this.time.now + ticks * STEPS_PER_TICK, () => this.throwIfFailed());
  }

  /** Log matching over every member's disk, and leader completeness for every current leader. */
  checkLogs(): void {
    this.throwIfFailed();
    const logs: LogView[] = [...this.members.values()].map((m) => ({ id: m.id, entries: m.disk.entries }));
    // A disk's entries are replaced, never changed in place: a log with the same array as last time is unchanged.
    const changed = logs.filter((log) => this.checkedLogs.get(log.id) !== log.entries);
    for (const log of changed) this.checkedLogs.set(log.id, log.entries);
    this.checker.checkLogMatching(logs, changed);
    for (const m of this.running()) {
      if (m.isLeader) this.checker.checkLeaderCompleteness(m.term, { id: m.id, entries: m.disk.entries });
    }
  }

  send(messages: Message[]): void {
    for (const m of messages) {
      for (const at of this.network.send(m, this.time.now)) {
        if (this.deliveries.has(at)) continue;
        this.deliveries.add(at);
        this.time.at(at, () => {
          this.deliveries.delete(at);
          for (const delivery of this.network.takeDue(at)) this.deliver(delivery);
        });
      }
    }
  }

  /**
   * As a real transport does: each running peer whose link to the member is not cut sees its
   * connection close and a redial refused, and tells its raft within a tick — unless the member
   * is back up by then (the redial is welcomed).
   */
  processGone(id: NodeId): void {
    this.withinATickAtConnectedPeers(id, (peer) => {
      if (peer.liveness === 'up' && this.members.get(id)?.liveness !== 'up') this.reportPeerDown(peer, id, 'peer-down reports');
    });
  }

  /**
   * As a real transport does: each running peer whose link to the member is not cut connects to
   * it within a tick and tells its raft (a leader then sends it a heartbeat at once).
   */
  processBack(id: NodeId): void {
    this.withinATickAtConnectedPeers(id, (peer) => {
      if (peer.liveness !== 'up' || this.members.get(id)?.liveness !== 'up') return;
      this.note(`${peer.id} told ${id} is up`);
      this.tally.add('peer-up reports');
      peer.act((node) => node.reportPeerUp(id));
    });
  }

  /** Runs `notice` for each running peer whose link to `id` is not cut, each within a tick: when its transport would see a change. */
  private withinATickAtConnectedPeers(id: NodeId, notice: (peer: SimMember) => void): void {
    for (const peer of this.running()) {
      if (peer.id === id || this.network.isCut(id, peer.id) || this.network.isCut(peer.id, id)) continue;
      this.time.at(this.time.now + this.detection.int(1, STEPS_PER_TICK), () => notice(peer));
    }
  }

  /** Tells `to`'s raft that `id`'s process is gone (true or not: the fault schedule also makes false reports). */
  reportPeerDown(to: SimMember, id: NodeId, key: 'peer-down reports' | 'false peer-down reports'): void {
    this.note(`${to.id} told ${id} is down${key === 'false peer-down reports' ? ' (falsely)' : ''}`);
    this.tally.add(key);
    to.act((node) => node.reportPeerDown(id));
  }

  note(event: string): void {
    this.trace.record(this.time.now, event);
  }

  fail(err: unknown): void {
    this.failure ??= { err };
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err;
  }

  private deliver({ message, outcome }: Delivery): void {
    const to = this.members.get(message.to);
    const from = this.members.get(message.from);
    const arrives = outcome === 'delivered' && to?.liveness === 'up';
    this.note(`${message.from}>${message.to} ${MESSAGE_NAMES[message.type]} t${message.term} i${message.index}/${message.logTerm} c${message.commit} n${message.entries.length}${message.reject ? ' reject' : ''}${arrives ? '' : ` lost (${outcome === 'delivered' ? 'member down' : outcome})`}`);
    this.tally.add(arrives ? 'messages delivered' : 'messages lost');
    if (arrives) to.step(message);
    // What a real transport would notice and tell its own raft: snapshot sent or failed, peer unreachable.
    if (from?.liveness !== 'up') return;
    if (message.type === MessageType.Snap) from.act((node) => node.reportSnapshot(message.to, arrives));
    else if (!arrives && outcome !== 'dropped') from.act((node) => node.reportUnreachable(message.to));
  }
}

function memberId(n: number): NodeId {
  return `n${n}`;
}
