// One simulated member: the production RaftDriver, StateMachine (the real v2 store and member
// list) and Proposer over a simulated disk, network and clock, plus the production TtlSync
// proposing SYNC entries. A member lives many lives: a crash ends the current one (its timers, its writes in
// flight, its memory) and keeps only the disk; a restart begins a new one from the disk alone.
// Everything a life does is checked as it happens (see MemberLife).
import type { RawNode } from '../../raft/raw-node.js';
import { ConfChangeType, ProposalDroppedError } from '../../raft/types.js';
import type { ConfState, Message, NodeId } from '../../raft/types.js';
import type { MembershipData } from '../../src/server/membership.js';
import type { V2Request } from '../../src/store/types.js';
import { MemberLife } from './member-life.js';
import type { Random } from './random.js';
import type { SafetyChecker } from './safety-checker.js';
import { SimDisk } from './sim-disk.js';
import type { DiskLatency } from './sim-disk.js';
import type { SimTime } from './sim-time.js';
import type { Tally } from './tally.js';

export interface MemberSettings {
  /** Simulated milliseconds per raft tick (the driver's heartbeat interval). */
  tickMs: number;
  electionTick: number;
  preVote: boolean;
  /** Applied entries between the member's own snapshots (the driver's snapshotCount). */
  snapshotCount: number;
  /** Entries kept in the log behind a snapshot, so a slightly slow follower needs no snapshot. */
  catchUpEntries: number;
  /** Events the v2 store keeps for watchers (part of the replicated state). */
  historySize: number;
  disk: DiskLatency;
  /** Batching and pipelining: bytes of entries per App (0: one entry each) and Apps in flight. */
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  /** Bytes of uncommitted entries a leader may hold (undefined: the server's default). */
  maxUncommittedEntriesSize?: number;
}

/** What a member needs from the world around it. */
export interface MemberWorld {
  readonly checker: SafetyChecker;
  readonly tally: Tally;
  readonly time: SimTime;
  /** The founding member list every member's state machine starts from. */
  readonly founders: MembershipData;
  send(messages: Message[]): void;
  /** The member's process ended (a crash, or a retirement): its peers' transports may notice. */
  processGone(id: NodeId): void;
  /** The member's process (re)started: its peers' transports connect to it. */
  processBack(id: NodeId): void;
  note(event: string): void;
  /** A property broke where no caller sees the throw (inside a raft loop): the run must fail. */
  fail(err: unknown): void;
}

export type Liveness = 'up' | 'down' | 'retired';

/**
 * Moments a crash can be aimed at, beyond wherever the member happens to be:
 * - 'between send and persist': at its next write a leader, which sends while it writes (thesis
 *   §10.2.1), dies with its messages sent and its write lost; anyone else dies before
 *   persisting, so before sending too.
 * - 'after voting': dies right after persisting and sending its next vote, to be restarted
 *   before the election is over — a vote that was not durable would be cast twice.
 */
export type CrashPoint = 'between send and persist' | 'after voting';

export function peerURL(id: NodeId): string {
  return `http://${id}.sim:2380`;
}

export class SimMember {
  readonly disk: SimDisk;
  private life: MemberLife | undefined;
  private retired = false;
  /** A crash waiting for its moment (see CrashPoint). */
  pendingCrash: CrashPoint | undefined;
  /** Where the last crash struck, if the member is down. */
  crashedAt: CrashPoint | 'wherever it was' | undefined;

  constructor(
    readonly id: NodeId,
    /** The founding configuration: the state of the log at index 0, the same for every member. */
    private readonly bootstrap: ConfState,
    private readonly settings: MemberSettings,
    private readonly random: Random,
    private readonly world: MemberWorld,
  ) {
    this.disk = new SimDisk(bootstrap, world.time, settings.disk, random.fork());
  }

  get liveness(): Liveness {
    if (this.retired) return 'retired';
    return this.life ? 'up' : 'down';
  }

  /** Boots (or reboots) from the disk alone. */
  start(): void {
    this.pendingCrash = undefined;
    this.crashedAt = undefined;
    this.life = new MemberLife(this, this.bootstrap, this.settings, this.random.fork(), this.world);
    this.world.processBack(this.id);
  }

  crash(point: CrashPoint | 'wherever it was' = 'wherever it was'): void {
    this.life?.end();
    this.life = undefined;
    this.crashedAt = point;
    this.world.note(`${this.id} crash (${point})`);
    this.world.tally.add('crashes');
    this.world.processGone(this.id);
  }

  crashAt(point: CrashPoint): void {
    this.pendingCrash = point;
    this.world.note(`${this.id} will crash ${point}`);
  }

  cancelPendingCrash(): void {
    this.pendingCrash = undefined;
  }

  /** A member that applied its own removal shuts down for good. */
  retire(): void {
    this.life?.end();
    this.life = undefined;
    this.retired = true;
    this.world.note(`${this.id} retired`);
    this.world.processGone(this.id);
  }

  private get running(): MemberLife {
    if (!this.life) throw new Error(`${this.id} is not running`);
    return this.life;
  }

  get node(): RawNode {
    return this.running.driver.node;
  }

  get isLeader(): boolean {
    return this.life?.isLeader ?? false;
  }

  get term(): number {
    return this.life?.driver.node.hardState().term ?? 0;
  }

  get appliedIndex(): number {
    return this.life?.driver.applied ?? 0;
  }

  /** Runs `action` against the node (propose, read, transfer) and lets the driver carry out the Ready. */
  act<T>(action: (node: RawNode) => T): T {
    return this.running.driver.withNode(action);
  }

  /**
   * Proposes a v2 write through the member's proposer (which waits for a leader and offers it to
   * each new one); returns its sequence number. Throws ProposalDroppedError when the proposer
   * refuses it at once (the member knows it is cut off from the quorum).
   */
  proposeWrite(req: Omit<V2Request, 'time'>): number {
    const life = this.running;
    const seq = life.propose((id) => ({ kind: 'v2', ...id, req: { ...req, time: life.clock.now() } }));
    if (seq === undefined) throw new ProposalDroppedError('the member is cut off from the quorum');
    return seq;
  }

  /** Proposes a membership change as etcd's `member add/remove` does: the member's name and peer URLs ride along. */
  proposeConfChange(type: ConfChangeType, nodeId: NodeId): void {
    const adds = type !== ConfChangeType.RemoveNode;
    this.running.proposeConfChange(type, nodeId, { name: adds ? nodeId : '', peerURLs: adds ? [peerURL(nodeId)] : [] });
  }

  /** The values under a directory of this member's store (read locally, as a default GET). */
  values(dir: string): string[] {
    const { store } = this.running.machine;
    return (store.get(dir, { recursive: true, sorted: true }, 0).node.nodes ?? []).map((n) => n.value ?? '');
  }

  /** Where this member applied its own command `seq`, once it has (in its current life). */
  appliedAt(seq: number): number | undefined {
    return this.life?.appliedAt(seq);
  }

  step(message: Message): void {
    this.running.driver.step([message]);
  }
}
