// One simulated member: a RawNode over a MemoryStorage, its disk, and its state machine, with a
// driver loop that follows Ready to the letter — persist snapshot, entries and hard state; send;
// apply (conf changes through applyConfChange); advance — and snapshots itself every few entries.
// A crash throws away everything but the disk; a restart rebuilds from the disk alone.
import { RawNode } from '../../raft/raw-node.js';
import { MemoryStorage } from '../../raft/memory-storage.js';
import { decodeConfChange } from '../../raft/conf-change-codec.js';
import { ConfChangeType, EntryType, NONE, StateType } from '../../raft/types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, SoftState } from '../../raft/types.js';
import { KvStateMachine } from './kv-state-machine.js';
import { PersistedState } from './persisted-state.js';
import { PropertyViolation } from './property-violation.js';
import type { Random } from './random.js';
import type { SafetyChecker } from './safety-checker.js';
import type { Tally, TallyKey } from './tally.js';

export interface MemberSettings {
  electionTick: number;
  heartbeatTick: number;
  /** Applied entries between the member's own snapshots. */
  snapshotEvery: number;
  /** Entries kept in the log behind a snapshot, so a slightly slow follower needs no snapshot. */
  catchUpEntries: number;
  /** Flow control: bytes of entries per App (0 means one entry each) and Apps in flight per follower. */
  maxSizePerMsg: number;
  maxInflightMsgs: number;
}

/** What a member needs from the world around it. */
export interface MemberWorld {
  readonly checker: SafetyChecker;
  send(messages: Message[]): void;
  note(event: string): void;
  readonly tally: Tally;
}

export type Liveness = 'up' | 'down' | 'retired';

/**
 * Moments a crash can be aimed at, beyond the gaps between Readies:
 * - 'between send and persist': in its next Ready a leader sends (as it may, thesis §10.2.1)
 *   and dies before its write lands; anyone else dies before persisting or sending.
 * - 'after voting': dies right after persisting and sending its next vote, to be restarted
 *   before the election is over — a vote that was not durable would be cast twice.
 */
export type CrashPoint = 'between send and persist' | 'after voting';

interface Running {
  node: RawNode;
  storage: MemoryStorage;
  machine: KvStateMachine;
  softState: SoftState;
  commit: number;
  applied: number;
  snapshotIndex: number;
  confState: ConfState;
}

export class SimMember {
  readonly disk: PersistedState;
  private running: Running | undefined;
  private retired = false;
  /** Ticks left before a member that applied its own removal shuts down. */
  private retiringIn: number | undefined;
  /** A crash waiting for its moment (see CrashPoint). */
  private pendingCrash: CrashPoint | undefined;
  /** Where the last crash struck, if the member is down. */
  crashedAt: CrashPoint | 'between Readies' | undefined;

  constructor(
    readonly id: NodeId,
    /** The founding configuration: the state of the log at index 0, the same for every member. */
    bootstrap: ConfState,
    private readonly settings: MemberSettings,
    private readonly random: Random,
    private readonly world: MemberWorld,
  ) {
    this.disk = new PersistedState(bootstrap);
  }

  get liveness(): Liveness {
    if (this.retired) return 'retired';
    return this.running ? 'up' : 'down';
  }

  /** Boots (or reboots) from the disk: snapshot, then the entries after it, then the hard state. */
  start(): void {
    const { disk } = this;
    const snap = disk.snapshot;
    const storage = new MemoryStorage(disk.bootstrap);
    if (snap) storage.applySnapshot(snap);
    storage.append(disk.entriesAfterSnapshot());
    if (disk.hardState) storage.setHardState(disk.hardState);
    const applied = snap?.metadata.index ?? 0;
    const rng = this.random.fork();
    const node = new RawNode({
      id: this.id,
      electionTick: this.settings.electionTick,
      heartbeatTick: this.settings.heartbeatTick,
      storage,
      applied,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: this.settings.maxSizePerMsg,
      maxInflightMsgs: this.settings.maxInflightMsgs,
      random: () => rng.next(),
    });
    this.running = {
      node,
      storage,
      machine: snap ? KvStateMachine.restore(snap.data) : KvStateMachine.empty(),
      softState: node.status().softState,
      commit: disk.hardState?.commit ?? 0,
      applied,
      snapshotIndex: applied,
      confState: snap?.metadata.confState ?? disk.bootstrap,
    };
    this.pendingCrash = undefined;
    this.crashedAt = undefined;
    this.retiringIn = undefined;
    this.world.note(`${this.id} start applied=${applied} last=${storage.lastIndex()} term=${disk.hardState?.term ?? 0}`);
    this.process();
  }

  crash(point: CrashPoint | 'between Readies' = 'between Readies'): void {
    this.running = undefined;
    this.crashedAt = point;
    this.world.note(`${this.id} crash`);
    this.world.tally.add('crashes');
  }

  crashAt(point: CrashPoint): void {
    this.pendingCrash = point;
    this.world.note(`${this.id} will crash ${point}`);
  }

  cancelPendingCrash(): void {
    this.pendingCrash = undefined;
  }

  /** One tick of the member's clock. */
  tick(): void {
    if (this.retiringIn !== undefined && --this.retiringIn <= 0) {
      this.running = undefined;
      this.retired = true;
      this.world.note(`${this.id} retired`);
      return;
    }
    this.act((node) => node.tick());
  }

  get node(): RawNode {
    if (!this.running) throw new Error(`${this.id} is not running`);
    return this.running.node;
  }

  get isLeader(): boolean {
    return this.running?.softState.state === StateType.Leader;
  }

  get term(): number {
    return this.running?.node.status().hardState.term ?? 0;
  }

  get appliedIndex(): number {
    return this.running?.applied ?? 0;
  }

  value(key: string): string | undefined {
    return this.running?.machine.get(key);
  }

  /** Runs `action` against the node and carries out whatever Ready it produced. */
  act<T>(action: (node: RawNode) => T): T {
    try {
      return action(this.node);
    } finally {
      this.process();
    }
  }

  private process(): void {
    while (this.running?.node.hasReady()) {
      const r = this.running;
      const rd = r.node.ready();
      if (rd.softState) r.softState = rd.softState;
      const term = rd.hardState?.term ?? r.node.status().hardState.term;
      if (rd.softState?.state === StateType.Leader) {
        this.world.note(`${this.id} leads term ${term}`);
        this.world.tally.add('elections won');
        this.world.checker.observeLeader(this.id, term);
      }
      if (rd.hardState) this.checkHardState(r, rd);
      if (this.pendingCrash === 'between send and persist') {
        if (r.softState.state === StateType.Leader) {
          this.world.send(rd.messages);
          this.world.tally.add('crashes between send and persist');
        }
        this.crash(this.pendingCrash);
        return;
      }
      const voted = castsVote(this.disk.hardState, rd.hardState);
      this.persist(r, rd);
      this.world.send(rd.messages);
      if (voted && this.pendingCrash === 'after voting') {
        this.world.tally.add('crashes right after voting');
        this.crash(this.pendingCrash);
        return;
      }
      const removedSelf = this.apply(r, rd.committedEntries);
      for (const rs of rd.readStates) {
        this.world.checker.observeReadState(this.id, text.decode(rs.requestCtx), rs.index);
        this.world.tally.add('reads answered');
      }
      r.node.advance(rd);
      if (rd.softState?.state === StateType.Leader) {
        this.world.checker.checkLeaderCompleteness(term, { id: this.id, entries: this.disk.entries });
      }
      // Like etcd, a member that applied its own removal lingers a little (so that, as leader,
      // it can pass on the commit and its leadership) and then shuts down for good.
      if (removedSelf) this.retiringIn ??= this.settings.electionTick;
      this.maybeSnapshot(r);
    }
  }

  /** Terms and commit indexes never go back; a leader's commit advance is recorded as it is decided. */
  private checkHardState(r: Running, rd: Ready): void {
    const hs = rd.hardState as HardState;
    const before = this.disk.hardState;
    if (before && (hs.term < before.term || hs.commit < before.commit)) {
      throw new PropertyViolation('monotonic state', `${this.id} hard state went from ${JSON.stringify(before)} to ${JSON.stringify(hs)}`);
    }
    if (hs.commit > r.commit && r.softState.state === StateType.Leader) {
      for (let i = r.commit + 1; i <= hs.commit; i++) this.world.checker.observeLeaderCommit(hs.term, i, termAt(r, rd, i));
    }
    r.commit = Math.max(r.commit, hs.commit);
    this.world.checker.observeCommitIndex(this.id, hs.commit);
  }

  private persist(r: Running, rd: Ready): void {
    if (rd.snapshot) {
      const snap = rd.snapshot;
      this.disk.installSnapshot(snap);
      r.storage.applySnapshot(snap);
      r.machine = KvStateMachine.restore(snap.data);
      r.applied = r.snapshotIndex = snap.metadata.index;
      r.confState = snap.metadata.confState;
      this.world.note(`${this.id} installs snapshot ${snap.metadata.index}/${snap.metadata.term}`);
      this.world.checker.observeSnapshotRestored(this.id, snap.metadata.index, r.machine.digest);
      this.world.tally.add('snapshots installed');
    }
    if (rd.entries.length > 0) {
      this.disk.append(rd.entries);
      r.storage.append(rd.entries);
    }
    if (rd.hardState) {
      this.disk.saveHardState(rd.hardState);
      r.storage.setHardState(rd.hardState);
    }
  }

  /** Applies committed entries in order; returns whether one of them removed this member. */
  private apply(r: Running, entries: readonly Entry[]): boolean {
    let removedSelf = false;
    for (const entry of entries) {
      if (entry.index !== r.applied + 1) {
        throw new PropertyViolation('monotonic state', `${this.id} was handed entry ${entry.index} to apply after ${r.applied}`);
      }
      if (entry.index > r.commit) {
        throw new PropertyViolation('commit safety', `${this.id} was handed entry ${entry.index} to apply beyond its commit ${r.commit}`);
      }
      if (entry.type === EntryType.ConfChange) {
        const cc = decodeConfChange(entry.data);
        const wasLearner = r.confState.learners.includes(cc.nodeId);
        r.confState = r.node.applyConfChange(cc);
        this.world.note(`${this.id} applies ${describeConfChange(cc)} at ${entry.index} → voters ${r.confState.voters.join(',')} learners ${r.confState.learners.join(',')}`);
        this.world.tally.add(confChangeKind(cc, wasLearner));
        if (cc.type === ConfChangeType.RemoveNode && cc.nodeId === this.id) removedSelf = true;
      }
      r.machine.apply(entry);
      r.applied = entry.index;
      this.world.checker.observeApplied(this.id, entry, r.machine.digest);
      this.world.tally.add('entries applied');
    }
    return removedSelf;
  }

  private maybeSnapshot(r: Running): void {
    if (r.applied - r.snapshotIndex < this.settings.snapshotEvery) return;
    const snap = r.storage.createSnapshot(r.applied, r.confState, r.machine.serialize());
    this.disk.saveOwnSnapshot(snap);
    r.snapshotIndex = r.applied;
    const compactTo = r.applied - this.settings.catchUpEntries;
    if (compactTo > r.storage.firstIndex()) {
      r.storage.compact(compactTo);
      this.disk.compact(compactTo);
    }
    this.world.note(`${this.id} snapshots at ${r.applied}, log from ${r.storage.firstIndex()}`);
    this.world.tally.add('snapshots taken');
  }
}

const text = new TextDecoder();

function castsVote(before: HardState | undefined, after: HardState | undefined): boolean {
  return after !== undefined && after.vote !== NONE && (after.vote !== before?.vote || after.term !== before.term);
}

function termAt(r: Running, rd: Ready, index: number): number {
  const fresh = rd.entries.find((e) => e.index === index);
  return fresh ? fresh.term : r.storage.term(index);
}

function confChangeKind(cc: ConfChange, wasLearner: boolean): TallyKey {
  if (cc.type === ConfChangeType.RemoveNode) return 'members removed';
  if (cc.type === ConfChangeType.AddLearnerNode) return 'learners added';
  return wasLearner ? 'learners promoted' : 'voters added';
}

export function describeConfChange(cc: ConfChange): string {
  const verb = cc.type === ConfChangeType.AddNode ? 'add-voter' : cc.type === ConfChangeType.RemoveNode ? 'remove' : 'add-learner';
  return `${verb} ${cc.nodeId}`;
}
