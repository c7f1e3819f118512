// One life of a simulated member, from a boot on its disk to a crash or retirement: the production
// RaftDriver, StateMachine, Proposer (with its LeaderTracker) and TtlSync wired to the simulated
// clock, disk and network, with every step they take reported to the safety checker. The life is
// the driver's Applier only to watch: each call goes straight to the StateMachine, and the state
// the real store reached is digested after it. A crash marks the life dead: its clock stops, its writes in flight are lost, and
// whatever its driver still does synchronously on the way to its next wait is checked but sent
// nowhere.
import { createHash } from 'node:crypto';
import { ConfChangeType, EntryType, NONE, StateType } from '../../raft/types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, Snapshot, SoftState } from '../../raft/types.js';
import { decodeCommand, encodeCommand } from '../../src/server/commands.js';
import type { AwaitedCommand } from '../../src/server/commands.js';
import { LeaderTracker } from '../../src/server/leader-tracker.js';
import { decodeMemberContext } from '../../src/server/membership.js';
import type { MemberContext } from '../../src/server/membership.js';
import { Proposer } from '../../src/server/proposer.js';
import { RaftDriver } from '../../src/server/raft-driver.js';
import { isWhole, newRun } from '../../src/server/request-id.js';
import type { LoggedRequestId, RequestId } from '../../src/server/request-id.js';
import type { Applier } from '../../src/server/raft-driver.js';
import type { Clock, SaveRequest } from '../../src/server/seams.js';
import { StateMachine } from '../../src/server/state-machine.js';
import type { ApplyOutcome } from '../../src/server/state-machine.js';
import { TtlSync } from '../../src/server/ttl-sync.js';
import type { Steps } from '../../src/store/packed-parts.js';
import { EtcdError } from '../../src/store/types.js';
import { PropertyViolation } from './property-violation.js';
import type { RaftProperty } from './property-violation.js';
import type { Random } from './random.js';
import type { MemberSettings, MemberWorld, SimMember } from './sim-member.js';
import type { TallyKey } from './tally.js';

export class MemberLife implements Applier {
  readonly clock: Clock;
  readonly driver: RaftDriver;
  private readonly leader: LeaderTracker;
  private readonly proposer: Proposer;
  readonly machine: StateMachine;
  private readonly ttl: TtlSync;
  private alive = true;
  isLeader = false;
  /**
   * The term this life led in, from its election until the first write after it stepped down:
   * the driver batches everything that happened during a write into one Ready, so the Ready in
   * which a leader steps down may carry commit advances it made as leader.
   */
  private ledInTerm: number | undefined;
  /** Highest commit index this life has written. */
  private commit: number;
  /** Last index this life reported applied (a restored snapshot counts as applied through its index). */
  private observed = 0;
  private storeIndex = 0;
  private snapshotIndex = 0;
  private digestCache: string | undefined;
  /** The entry being handed to the state machine, while it is. */
  private applying: Entry | undefined;
  /**
   * Entry data of this life's v2 writes not yet applied, by seq: a proposal of an earlier life
   * that commits after a restart must not answer a request of this one (the 'request identity'
   * check below).
   */
  private readonly proposals = new Map<number, Uint8Array>();
  private readonly ownApplied = new Map<number, number>();
  /** The save in flight casts a vote (a new vote, or one in a new term). */
  private votePending = false;
  private crashOnSend = false;
  private retiring = false;

  constructor(
    private readonly member: SimMember,
    bootstrap: ConfState,
    private readonly settings: MemberSettings,
    random: Random,
    private readonly world: MemberWorld,
  ) {
    const { id } = member;
    this.clock = world.time.clockFor(() => this.alive);
    const electionTimeoutMs = settings.electionTick * settings.tickMs;
    this.leader = new LeaderTracker(this.clock, { electionTimeoutMs, term: () => this.driver.node.hardState().term });
    this.proposer = new Proposer({
      selfId: id,
      run: newRun(() => random.next()),
      clock: this.clock,
      leader: this.leader,
      withNode: (fn) => void this.driver.withNode(fn),
      // As long as a production member waits at etcd's default timing (5 s and two election
      // timeouts of 1 s): seven election timeouts.
      requestTimeoutMs: 7 * electionTimeoutMs,
      electionTimeoutMs,
      onFailed: () => undefined,
      logger: { warn: (obj, msg) => world.note(`${id} ${msg} ${JSON.stringify(obj)}`) },
    });
    const loaded = member.disk.load();
    this.commit = loaded.hardState.commit;
    this.machine = new StateMachine(
      id,
      world.founders,
      {
        onOwnApplied: (rid, outcome) => this.ownCommandApplied(rid, outcome),
        onMembershipChanged: () => this.membershipChanged(),
        onRestored: (settled) => this.proposer.restored(settled),
      },
      settings.historySize,
    );
    this.driver = new RaftDriver({
      id,
      log: member.disk.open({
        alive: () => this.alive,
        beforeSave: (req) => this.guard(() => this.beforeSave(req)),
        landed: () => this.landed(),
      }),
      loaded,
      bootstrap,
      clock: this.clock,
      random: () => random.next(),
      tickMs: settings.tickMs,
      electionTick: settings.electionTick,
      preVote: settings.preVote,
      maxSizePerMsg: settings.maxSizePerMsg,
      maxInflightMsgs: settings.maxInflightMsgs,
      maxUncommittedEntriesSize: settings.maxUncommittedEntriesSize,
      applier: this,
      send: (msgs) => this.send(msgs),
      snapshotCount: settings.snapshotCount,
      catchUpEntries: settings.catchUpEntries,
      events: {
        onSoftState: (ss) => this.guard(() => this.softStateChanged(ss)),
        onReadStates: (rs) =>
          this.guard(() => {
            for (const r of rs) {
              world.checker.observeReadState(id, text.decode(r.requestCtx), r.index);
              world.tally.add('reads answered');
            }
          }),
        onApplied: (index) => this.guard(() => this.observeThrough(index)),
        onSnapshotInstalled: (index) => {
          world.note(`${id} installed the leader's snapshot at ${index}`);
          world.tally.add('snapshots installed');
        },
        onSnapshotSaved: (index, compactedTo) => this.guard(() => this.snapshotSaved(index, compactedTo)),
        onFatal: (err) => world.fail(this.loopStopped(err)),
      },
      logger: {
        info: () => undefined,
        warn: (obj, msg) =>
          this.guard(() => {
            // The driver drops a peer message raft threw on; every message here comes from a real raft.
            if ('err' in obj) this.violation('member invariants', `${id}: ${msg}: ${String((obj as { err: unknown }).err)}`);
            world.note(`${id} ${msg}`);
          }),
      },
    });
    this.ttl = new TtlSync({
      clock: this.clock,
      // The simulated members share one clock, so the cluster's time is that clock's.
      clusterNow: () => this.clock.now(),
      isLeader: () => this.isLeader,
      nextExpiration: () => this.machine.store.nextExpiration(),
      withNode: (fn) => void this.driver.withNode(fn),
    });
    world.note(`${id} start: snapshot ${this.snapshotIndex}, log to ${this.driver.storage.lastIndex()}, term ${loaded.hardState.term}`);
    this.driver.start();
    this.ttl.start();
  }

  /** The member crashed or retired: nothing of this life runs, lands or is sent any more. */
  end(): void {
    this.alive = false;
    this.ttl.stop();
  }

  /**
   * Proposes a command through the production proposer, which waits for a leader, offers it again
   * to each new one and times out as a member's does. Returns its seq, or undefined when the
   * proposer refused it at once (the member knows it is cut off from the quorum).
   */
  propose(build: (id: RequestId) => AwaitedCommand): number | undefined {
    let seq: number | undefined;
    this.proposer
      .propose((id) => {
        const cmd = build(id);
        seq = id.seq;
        this.proposals.set(seq, encodeCommand(cmd));
        return cmd;
      })
      .catch(() => undefined);
    return seq;
  }

  /** Proposes a membership change through the production proposer (proposed again until it applies). */
  proposeConfChange(type: ConfChangeType, nodeId: string, ctx: MemberContext): void {
    this.proposer.proposeConfChange(type, nodeId, ctx).catch(() => undefined);
  }

  /** The index at which this life applied its own proposal `seq`, once it has. */
  appliedAt(seq: number): number | undefined {
    return this.ownApplied.get(seq);
  }

  // ---- Applier: straight to the StateMachine, then checked ----

  applyEntry(entry: Entry): void {
    this.guard(() => {
      this.observeThrough(entry.index - 1);
      const cmd = decodeCommand(entry.data);
      this.applyOnce(entry, 'seq' in cmd ? cmd : undefined, () => this.machine.applyEntry(entry));
      if (cmd.kind === 'sync') this.world.tally.add('SYNCs applied');
      this.observe(entry);
    });
  }

  applyConfChange(cc: ConfChange, applyToRaft: () => ConfState): void {
    this.guard(() => {
      const index = this.driver.applied + 1;
      const entry = this.member.disk.entryAt(index);
      if (entry?.type !== EntryType.ConfChange) this.violation('state machine safety', `${this.member.id} applied a configuration change at ${index}, where its log holds ${describe(entry)}`);
      this.observeThrough(index - 1);
      const wasLearner = this.machine.membership.get(cc.nodeId)?.isLearner === true;
      let conf: ConfState | undefined;
      const copy = this.applyOnce(entry, decodeMemberContext(cc.context).proposer, () => this.machine.applyConfChange(cc, () => (conf = applyToRaft())));
      const what = `${describeConfChange(cc)} at ${index}`;
      if (copy) {
        this.world.note(`${this.member.id} refuses ${what} (a copy of a change applied before)`);
      } else if (conf) {
        this.world.note(`${this.member.id} applies ${what} → voters ${conf.voters.join(',')} learners ${conf.learners.join(',')}`);
        this.world.tally.add(confChangeKind(cc, wasLearner));
        this.expectMembersAsConfigured(conf);
      } else {
        this.world.note(`${this.member.id} refuses ${what} (stale against the member list)`);
        this.world.tally.add('conf changes refused');
      }
      this.observe(entry);
    });
  }

  restoreSnapshot(snap: Snapshot): void {
    this.guard(() => {
      const { index } = snap.metadata;
      // A restart restores its own snapshot first of all; a leader's snapshot must be news.
      if (index <= this.observed || index <= this.snapshotIndex) {
        this.violation('monotonic state', `${this.member.id} restored a snapshot at ${index} having applied through ${this.observed} (snapshot ${this.snapshotIndex})`);
      }
      this.digestCache = undefined;
      this.machine.restoreSnapshot(snap);
      this.expectStoreIndexForward();
      this.observed = this.snapshotIndex = index;
      this.world.checker.observeSnapshotRestored(this.member.id, index, this.digest());
    });
  }

  captureSnapshot(): Steps<Uint8Array> {
    return this.machine.captureSnapshot();
  }

  // ---- what the driver does, checked ----

  /**
   * Applies an entry; when it carries a request of which some member applied a copy at a lower
   * index, it must leave the replicated state as it was (a request takes effect once). Returns
   * whether it was such a copy.
   */
  private applyOnce(entry: Entry, request: LoggedRequestId | undefined, apply: () => void): boolean {
    const before = this.digest();
    this.applying = entry;
    this.digestCache = undefined;
    apply();
    this.applying = undefined;
    if (!request || !isWhole(request)) return false;
    const key = `${request.from}/${request.run}/${request.seq}`;
    if (!this.world.checker.observeRequestApplied(key, entry.index)) return false;
    if (this.digest() !== before) this.violation('exactly once', `${this.member.id} applied request ${key} again at ${entry.index}, changing the state`);
    this.world.tally.add('request copies refused');
    return true;
  }

  /** Reports one applied entry: contiguous, committed, and the store it left behind. */
  private observe(entry: Entry): void {
    const { id } = this.member;
    if (entry.index !== this.observed + 1) this.violation('monotonic state', `${id} applied ${entry.index} after ${this.observed}`);
    const commit = this.driver.node.hardState().commit;
    if (entry.index > commit) this.violation('commit safety', `${id} applied ${entry.index} beyond its commit index ${commit}`);
    this.expectStoreIndexForward();
    this.world.checker.observeApplied(id, entry, this.digest());
    this.observed = entry.index;
    this.world.tally.add('entries applied');
  }

  /** Entries the driver applied without handing them over (it skips empty ones): they must be empty. */
  private observeThrough(index: number): void {
    for (let i = this.observed + 1; i <= index; i++) {
      const entry = this.member.disk.entryAt(i);
      if (!entry || entry.type !== EntryType.Normal || entry.data.length > 0) {
        this.violation('state machine safety', `${this.member.id} applied through ${index} without applying ${describe(entry)} at ${i}`);
      }
      this.observe(entry);
    }
  }

  /** The replicated member list and raft's configuration change together, so they always name the same voters and learners. */
  private expectMembersAsConfigured(conf: ConfState): void {
    const members = this.machine.membership.list();
    const listed = (learner: boolean): string => members.filter((m) => (m.isLearner === true) === learner).map((m) => m.id).sort().join(',');
    const configured = (ids: readonly string[]): string => [...ids].sort().join(',');
    if (listed(false) !== configured(conf.voters) || listed(true) !== configured(conf.learners)) {
      this.violation('state machine safety', `${this.member.id}'s member list (voters ${listed(false)}, learners ${listed(true)}) differs from raft's configuration (voters ${configured(conf.voters)}, learners ${configured(conf.learners)})`);
    }
  }

  private expectStoreIndexForward(): void {
    const index = this.machine.store.index;
    if (index < this.storeIndex) this.violation('monotonic state', `${this.member.id}'s store index went back from ${this.storeIndex} to ${index}`);
    this.storeIndex = index;
  }

  /** Digest of the replicated state, what a snapshot carries: the v2 store's saved bytes, the member list and the record of applied requests. */
  private digest(): string {
    this.digestCache ??= createHash('sha1')
      .update(this.machine.store.save())
      .update(JSON.stringify(this.machine.membership.toData()))
      .update(JSON.stringify(this.machine.appliedRequests()))
      .digest('base64');
    return this.digestCache;
  }

  private snapshotSaved(index: number, compactedTo: number): void {
    const { id } = this.member;
    // Saved behind the Ready loop, a snapshot lands after further entries may have been applied,
    // but never covers one that was not.
    if (index <= this.snapshotIndex || index > this.observed) {
      this.violation('monotonic state', `${id} took a snapshot at ${index} after one at ${this.snapshotIndex}, having applied through ${this.observed}`);
    }
    this.snapshotIndex = index;
    this.world.note(`${id} snapshots at ${index}, log compacted through ${compactedTo}`);
    this.world.tally.add('snapshots taken');
  }

  private softStateChanged(ss: SoftState): void {
    this.leader.update(ss);
    this.isLeader = ss.state === StateType.Leader;
    if (!this.isLeader) return;
    const { id } = this.member;
    const term = this.driver.node.hardState().term;
    this.ledInTerm = term;
    this.world.note(`${id} leads term ${term}`);
    this.world.tally.add('elections won');
    this.world.checker.observeLeader(id, term);
    this.world.checker.checkLeaderCompleteness(term, { id, entries: this.member.disk.entries });
  }

  /**
   * A Ready's write is about to go to disk: terms and commit indexes never go back, a leader's
   * commit advance is recorded as it is decided, and a crash aimed between send and persist
   * strikes now (a leader has sent this Ready's messages already; anyone else has not).
   */
  private beforeSave(req: SaveRequest): boolean {
    const { id } = this.member;
    const hs = req.hardState;
    if (hs) {
      const before = this.member.disk.hardState;
      if (hs.term < before.term || hs.commit < before.commit) {
        this.violation('monotonic state', `${id} hard state went from ${JSON.stringify(before)} to ${JSON.stringify(hs)}`);
      }
      if (hs.commit > this.commit && this.ledInTerm !== undefined) {
        for (let i = this.commit + 1; i <= hs.commit; i++) this.world.checker.observeLeaderCommit(this.ledInTerm, i, this.termAt(i, req));
      }
      this.commit = Math.max(this.commit, hs.commit);
      this.world.checker.observeCommitIndex(id, hs.commit);
      this.votePending = castsVote(before, hs);
    }
    if (!this.isLeader) this.ledInTerm = undefined;
    if (this.member.pendingCrash !== 'between send and persist') return true;
    if (this.isLeader) this.world.tally.add('crashes between send and persist');
    this.member.crash('between send and persist');
    return false;
  }

  private landed(): void {
    if (this.votePending && this.member.pendingCrash === 'after voting') this.crashOnSend = true;
    this.votePending = false;
  }

  private send(msgs: Message[]): void {
    if (!this.alive) return;
    this.world.send(msgs);
    if (!this.crashOnSend) return;
    this.world.tally.add('crashes right after voting');
    this.member.crash('after voting');
  }

  private termAt(index: number, req: SaveRequest): number {
    const fresh = req.entries.find((e) => e.index === index) ?? this.member.disk.entryAt(index);
    if (!fresh) this.violation('commit safety', `${this.member.id} committed ${index} as leader without holding it`);
    return fresh.term;
  }

  /** A command of this member was applied: if it answered a write this life waits on, it must be the command proposed under that seq. */
  private ownCommandApplied(id: LoggedRequestId, outcome: ApplyOutcome | undefined): void {
    const waiting = this.proposer.pending;
    this.proposer.applied(id, outcome);
    const expected = this.proposals.get(id.seq);
    // Not answered (an earlier life's command, a copy applied before), or a membership change.
    if (this.proposer.pending === waiting || !expected) return;
    const entry = this.applying!;
    if (!sameBytes(entry.data, expected)) {
      this.violation('request identity', `${this.member.id} was told its proposal ${id.seq} applied at ${entry.index}, but that entry is another command: its waiter would get another request's answer`);
    }
    this.proposals.delete(id.seq);
    this.ownApplied.set(id.seq, entry.index);
    if (outcome && 'error' in outcome && outcome.error instanceof EtcdError) this.world.tally.add('writes refused by the store');
  }

  /** Like etcd, a member that learns of its own removal lingers a little (to pass on the commit and its leadership), then shuts down. */
  private membershipChanged(): void {
    if (this.retiring || !this.machine.membership.isRemoved(this.member.id)) return;
    this.retiring = true;
    this.world.note(`${this.member.id} learns it was removed`);
    this.clock.setTimeout(() => this.member.retire(), this.settings.electionTick * this.settings.tickMs);
  }

  /** Runs a check inside the driver's loop: a violation fails the run even if the loop never surfaces it (a dead life's loop never does). */
  private guard<T>(check: () => T): T {
    try {
      return check();
    } catch (err) {
      this.world.fail(this.loopStopped(err));
      throw err;
    }
  }

  private loopStopped(err: unknown): PropertyViolation {
    return err instanceof PropertyViolation ? err : new PropertyViolation('member invariants', `${this.member.id}'s raft loop stopped: ${String(err)}`);
  }

  private violation(property: RaftProperty, detail: string): never {
    throw new PropertyViolation(property, detail);
  }
}

const text = new TextDecoder();

function castsVote(before: HardState, after: HardState): boolean {
  return after.vote !== NONE && (after.vote !== before.vote || after.term !== before.term);
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((b, i) => b === y[i]);
}

function describe(entry: Entry | undefined): string {
  return entry ? `${entry.type === EntryType.ConfChange ? 'configuration change' : `entry of ${entry.data.length} bytes`} ${entry.index}/${entry.term}` : 'nothing';
}

function confChangeKind(cc: ConfChange, wasLearner: boolean): TallyKey {
  if (cc.type === ConfChangeType.RemoveNode) return 'members removed';
  if (cc.type === ConfChangeType.AddLearnerNode) return 'learners added';
  return wasLearner ? 'learners promoted' : 'voters added';
}

export function describeConfChange(cc: Pick<ConfChange, 'type' | 'nodeId'>): string {
  const verb = cc.type === ConfChangeType.AddNode ? 'add-voter' : cc.type === ConfChangeType.RemoveNode ? 'remove' : 'add-learner';
  return `${verb} ${cc.nodeId}`;
}
