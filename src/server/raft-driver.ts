// Drives the pure Raft core: ticks it, feeds it peer messages, and carries out each Ready in
// order — persist (one synced batch) ∥ send for a leader, persist then send for others (but for
// the proposals and reads they forward), apply (during the persist), advance — one Ready at a
// time, so many proposals arriving during an fsync share the next one. The member's own
// snapshots are written behind the loop. Time, the disk and randomness come through seams.
import { EntryType, MemoryStorage, MessageType, RawNode, StateType, decodeConfChange } from '../../raft/index.js';
import type { ConfChange, ConfState, Entry, Message, ReadState, Ready, Snapshot, SoftState } from '../../raft/index.js';
import type { LoadedState } from '../storage/durable-log.js';
import { invariant } from './invariant.js';
import type { Steps } from '../store/packed-parts.js';
import type { Clock, LogStore, Random } from './seams.js';

/** What the driver applies committed state to (StateMachine is the production one). */
export interface Applier {
  applyEntry(entry: Entry): void;
  /**
   * A committed membership change: the applier decides whether it takes effect and, if so,
   * calls `applyToRaft` so raft's configuration changes with the application's member list.
   */
  applyConfChange(cc: ConfChange, applyToRaft: () => ConfState): void;
  /** Replaces the whole state machine with a snapshot received from the leader. */
  restoreSnapshot(snap: Snapshot): void;
  /** The state as applied now, encoded in steps the driver runs a turn apart. */
  captureSnapshot(): Steps<Uint8Array>;
}

/** What the driver tells its member about; every callback is optional. */
export interface DriverEvents {
  onSoftState?(ss: SoftState): void;
  onReadStates?(rs: ReadState[]): void;
  /** Entries up to `index` are applied; the batch took `ms`. */
  onApplied?(index: number, ms: number): void;
  /** A snapshot from the leader replaced the state machine. */
  onSnapshotInstalled?(index: number): void;
  onSnapshotSaved?(index: number, compactedTo: number): void;
  /** The loop cannot go on (a failed write, a broken invariant): the member must stop. */
  onFatal(err: unknown): void;
}

export interface RaftDriverOptions {
  id: string;
  log: LogStore;
  loaded: LoadedState;
  /** Voters for a brand-new cluster (ignored when the log already has a configuration). */
  bootstrap?: ConfState;
  clock: Clock;
  random: Random;
  tickMs: number;
  electionTick: number;
  preVote: boolean;
  /** Flow control (raft's defaults when absent: 1 MiB of entries per App, 256 Apps in flight). */
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
  /** Bytes of entries the leader may hold uncommitted (DEFAULT_MAX_UNCOMMITTED_BYTES when absent). */
  maxUncommittedEntriesSize?: number;
  applier: Applier;
  /** `flushNow`: write them before returning rather than at the transport's next flush. */
  send(msgs: Message[], flushNow?: boolean): void;
  snapshotCount: number;
  /** Entries kept behind a snapshot so a slightly slow follower catches up from the log. */
  catchUpEntries: number;
  events: DriverEvents;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * A leader holding this much uncommitted entry data refuses further proposals until some commit
 * (a proposer on the leader waits and offers again; a follower's forwarded proposal is dropped,
 * as in etcd). In normal running the tail is what clients have in flight, far below this; it
 * binds a leader that cannot commit, whose members offer their waiting proposals again at each
 * election. 64 MiB holds over 40 writes of the largest request size (--max-request-bytes' default).
 */
export const DEFAULT_MAX_UNCOMMITTED_BYTES = 64 * 1024 * 1024;

export class RaftDriver {
  readonly node: RawNode;
  readonly storage: MemoryStorage;
  private appliedIndex: number;
  /** The term of the entry (or snapshot) at appliedIndex, so the state can be named by both. */
  private appliedTermValue: number;
  private snapshotIndex: number;
  private isLeader = false;
  private running = false;
  private stopped = false;
  private failed = false;
  private ticker: ReturnType<Clock['setInterval']> | undefined;
  private idle: Promise<void> = Promise.resolve();
  /** This member's own snapshot being written and its log compacted, behind the Ready loop. */
  private snapshotting: Promise<void> | undefined;

  constructor(private readonly opts: RaftDriverOptions) {
    const { loaded } = opts;
    this.storage = new MemoryStorage(loaded.confState ?? opts.bootstrap);
    if (loaded.snapshot) this.storage.applySnapshot(loaded.snapshot);
    this.storage.append(loaded.entries);
    this.storage.setHardState(loaded.hardState);
    if (loaded.snapshot) opts.applier.restoreSnapshot(loaded.snapshot);
    this.snapshotIndex = loaded.snapshot?.metadata.index ?? 0;
    this.appliedIndex = this.snapshotIndex;
    this.appliedTermValue = loaded.snapshot?.metadata.term ?? 0;
    const logger = opts.logger;
    this.node = new RawNode({
      id: opts.id,
      electionTick: opts.electionTick,
      heartbeatTick: 1,
      storage: this.storage,
      applied: this.appliedIndex,
      preVote: opts.preVote,
      checkQuorum: true,
      maxSizePerMsg: opts.maxSizePerMsg,
      maxInflightMsgs: opts.maxInflightMsgs,
      maxUncommittedEntriesSize: opts.maxUncommittedEntriesSize ?? DEFAULT_MAX_UNCOMMITTED_BYTES,
      random: opts.random,
      logger: logger && {
        info: (msg, fields) => logger.info({ ...fields }, msg),
        warn: (msg, fields) => logger.warn({ ...fields }, msg),
      },
    });
  }

  get applied(): number {
    return this.appliedIndex;
  }

  get appliedTerm(): number {
    return this.appliedTermValue;
  }

  start(): void {
    this.ticker = this.opts.clock.setInterval(() => {
      this.node.tick();
      this.kick();
    }, this.opts.tickMs);
    this.kick();
  }

  /** Runs `fn` against the node (step, propose, ...) and schedules the resulting Ready. */
  withNode<T>(fn: (node: RawNode) => T): T {
    try {
      return fn(this.node);
    } finally {
      this.kick();
    }
  }

  step(msgs: Message[]): void {
    for (const m of msgs) {
      try {
        this.node.step(m);
      } catch (err) {
        // A malformed message is the sender's fault and is dropped; a broken invariant means raft's
        // own state can no longer be trusted, and the member must stop.
        if (String(err).includes('raft invariant violated')) return this.fail(err);
        this.opts.logger?.warn({ err: String(err), type: m.type, from: m.from }, 'dropped a peer message raft refused');
      }
    }
    this.kick();
  }

  /** Stops ticking and waits for the Ready in progress to be persisted and applied, and a snapshot being saved. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.clock.clearTimer(this.ticker);
    await this.idle;
    await this.snapshotting;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.idle = new Promise<void>((resolve) => {
      this.opts.clock.defer(() => {
        this.drain()
          .catch((err: unknown) => this.fail(err))
          .finally(() => {
            this.running = false;
            resolve();
            if (!this.stopped && this.node.hasReady()) this.kick();
          });
      });
    });
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = this.stopped = true;
    this.opts.clock.clearTimer(this.ticker);
    this.opts.events.onFatal(err);
  }

  private async drain(): Promise<void> {
    while (this.node.hasReady() && !this.stopped) {
      const rd = this.node.ready();
      if (rd.softState) {
        this.isLeader = rd.softState.state === StateType.Leader;
        this.opts.events.onSoftState?.(rd.softState);
      }
      const [beforeWrite, afterWrite] = sendsAroundWrite(rd.messages, this.isLeader);
      if (beforeWrite.length > 0) this.opts.send(beforeWrite);
      if (rd.snapshot) {
        // The leader's snapshot replaces the log this member's own is being saved over.
        await this.snapshotting;
        await this.persist(rd);
        this.apply(rd.committedEntries);
      } else {
        // Committed entries are durable on a majority already: apply them while this Ready's
        // new entries are being written, rather than one fsync later.
        const written = this.persist(rd);
        try {
          this.apply(rd.committedEntries);
        } finally {
          await written;
        }
      }
      // The write has landed: an ack waiting for the transport's next turn would only be later.
      if (afterWrite.length > 0) this.opts.send(afterWrite, true);
      if (rd.readStates.length > 0) this.opts.events.onReadStates?.(rd.readStates);
      this.node.advance(rd);
      if (this.snapshotting === undefined && this.appliedIndex - this.snapshotIndex >= this.opts.snapshotCount) this.takeSnapshot();
    }
  }

  private async persist(rd: Ready): Promise<void> {
    if (rd.entries.length === 0 && !rd.hardState && !rd.snapshot) return;
    await this.opts.log.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
    if (rd.snapshot) {
      const index = rd.snapshot.metadata.index;
      invariant(index > this.snapshotIndex, () => `snapshot index went back from ${this.snapshotIndex} to ${index}`);
      this.storage.applySnapshot(rd.snapshot);
      this.opts.applier.restoreSnapshot(rd.snapshot);
      this.appliedIndex = this.snapshotIndex = index;
      this.appliedTermValue = rd.snapshot.metadata.term;
      this.opts.events.onSnapshotInstalled?.(index);
    }
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
  }

  /** Applies committed entries in order: contiguous, never past the commit index (etcd panics otherwise). */
  private apply(entries: Entry[]): void {
    if (entries.length === 0) return;
    const started = this.opts.clock.monotonic();
    const commit = this.node.hardState().commit;
    for (const entry of entries) {
      // Checked before building a message: this runs for every entry.
      if (entry.index !== this.appliedIndex + 1) invariant(false, () => `entry ${entry.index} handed to apply after ${this.appliedIndex}`);
      if (entry.index > commit) invariant(false, () => `entry ${entry.index} handed to apply beyond the commit index ${commit}`);
      if (entry.type === EntryType.ConfChange) {
        const cc = decodeConfChange(entry.data);
        this.opts.applier.applyConfChange(cc, () => this.node.applyConfChange(cc));
      } else if (entry.data.length > 0) {
        this.opts.applier.applyEntry(entry);
      }
      this.appliedIndex = entry.index;
      this.appliedTermValue = entry.term;
    }
    this.opts.events.onApplied?.(this.appliedIndex, this.opts.clock.monotonic() - started);
  }

  /**
   * Copies the applied state now, then encodes it a step per turn, writes it and compacts the log,
   * all behind the Ready loop, which goes on persisting and applying meanwhile. Done in one go,
   * encoding 200,000 keys held every member for most of a second under load. A snapshot from the
   * leader waits for this one (drain), so nothing replaces the log under it.
   */
  private takeSnapshot(): void {
    const index = this.appliedIndex;
    const confState = this.node.status().confState;
    this.snapshotting = this.encodeAndSave(index, confState, this.opts.applier.captureSnapshot())
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  private async encodeAndSave(index: number, confState: ConfState, steps: Steps<Uint8Array>): Promise<void> {
    let step = steps.next();
    while (!step.done) {
      await new Promise<void>((resolve) => this.opts.clock.defer(resolve));
      step = steps.next();
    }
    const snap = this.storage.createSnapshot(index, confState, step.value);
    await this.opts.log.saveSnapshot(snap);
    this.snapshotIndex = index;
    const compactTo = index - this.opts.catchUpEntries;
    if (compactTo > this.storage.firstIndex()) {
      this.storage.compact(compactTo);
      await this.opts.log.compact(compactTo);
    }
    this.opts.events.onSnapshotSaved?.(index, Math.max(compactTo, 0));
  }
}

/**
 * A Ready's messages that may leave while its write is in progress, and those that must wait for
 * it. A leader sends everything at once (Raft thesis §10.2.1). Anyone else must not promise
 * (votes, acks) what is not yet on disk; a client proposal or read it forwards to the leader
 * promises nothing about its log, so it need not wait.
 */
function sendsAroundWrite(msgs: Message[], isLeader: boolean): [Message[], Message[]] {
  if (isLeader) return [msgs, []];
  const forwarded = (m: Message): boolean => m.type === MessageType.Prop || m.type === MessageType.ReadIndex;
  if (!msgs.some(forwarded)) return [[], msgs];
  return [msgs.filter(forwarded), msgs.filter((m) => !forwarded(m))];
}
