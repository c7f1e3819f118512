// Drives the pure Raft core: ticks it, feeds it peer messages, and carries out each Ready in
// order — persist (one synced batch) ∥ send for a leader, persist then send for others, apply
// (during the persist), advance — one Ready at a time, so many proposals arriving during an
// fsync share the next one.
import { RawNode } from '../../raft/raw-node.js';
import { MemoryStorage } from '../../raft/memory-storage.js';
import { decodeConfChange } from '../../raft/conf-change-codec.js';
import { EntryType, StateType } from '../../raft/types.js';
import type { ConfChange, ConfState, Entry, Message, ReadState, Ready, Snapshot, SoftState } from '../../raft/types.js';
import type { DurableLog, LoadedState } from '../storage/durable-log.js';
import type { Logger } from './logger.js';

/** What the driver applies committed state to. */
export interface Applier {
  applyEntry(entry: Entry): void;
  /**
   * A committed membership change: the applier decides whether it takes effect and, if so,
   * calls `applyToRaft` so raft's configuration changes with the application's member list.
   */
  applyConfChange(cc: ConfChange, applyToRaft: () => ConfState): void;
  /** Replaces the whole state machine with a snapshot received from the leader. */
  restoreSnapshot(snap: Snapshot): void;
  snapshotData(): Uint8Array;
}

export interface RaftDriverOptions {
  id: string;
  log: DurableLog;
  loaded: LoadedState;
  /** Voters for a brand-new cluster (ignored when the log already has a configuration). */
  bootstrap?: ConfState;
  tickMs: number;
  electionTick: number;
  applier: Applier;
  send(msgs: Message[]): void;
  snapshotCount: number;
  /** Entries kept behind a snapshot so a slightly slow follower catches up from the log. */
  catchUpEntries: number;
  onSoftState(ss: SoftState): void;
  onReadStates(rs: ReadState[]): void;
  onApplied(index: number): void;
  onFatal(err: unknown): void;
  logger: Logger;
}

export class RaftDriver {
  readonly node: RawNode;
  readonly storage: MemoryStorage;
  private appliedIndex: number;
  private snapshotIndex: number;
  private isLeader = false;
  private running = false;
  private stopped = false;
  private ticker: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RaftDriverOptions) {
    const { loaded } = opts;
    this.storage = new MemoryStorage(loaded.confState ?? opts.bootstrap);
    if (loaded.snapshot) this.storage.applySnapshot(loaded.snapshot);
    this.storage.append(loaded.entries);
    this.storage.setHardState(loaded.hardState);
    this.snapshotIndex = loaded.snapshot?.metadata.index ?? 0;
    this.appliedIndex = this.snapshotIndex;
    this.node = new RawNode({
      id: opts.id,
      electionTick: opts.electionTick,
      heartbeatTick: 1,
      storage: this.storage,
      applied: this.appliedIndex,
      preVote: true,
      checkQuorum: true,
      random: Math.random,
      logger: {
        info: (msg, fields) => opts.logger.info({ ...fields }, msg),
        warn: (msg, fields) => opts.logger.warn({ ...fields }, msg),
      },
    });
  }

  get applied(): number {
    return this.appliedIndex;
  }

  start(): void {
    this.ticker = setInterval(() => {
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
        this.opts.logger.warn({ err: String(err), type: m.type, from: m.from }, 'dropped a peer message raft refused');
      }
    }
    this.kick();
  }

  /** Stops ticking and waits for the Ready in progress to be persisted and applied. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    await this.idle;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.idle = new Promise<void>((resolve) => {
      setImmediate(() => {
        this.drain()
          .catch((err: unknown) => this.opts.onFatal(err))
          .finally(() => {
            this.running = false;
            resolve();
            if (!this.stopped && this.node.hasReady()) this.kick();
          });
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.node.hasReady()) {
      const rd = this.node.ready();
      if (rd.softState) {
        this.isLeader = rd.softState.state === StateType.Leader;
        this.opts.onSoftState(rd.softState);
      }
      // A leader may send while it writes its own log (Raft thesis §10.2.1); everyone else
      // must not promise (votes, acks) what is not yet on disk.
      if (this.isLeader) this.opts.send(rd.messages);
      if (rd.snapshot) {
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
      if (!this.isLeader) this.opts.send(rd.messages);
      if (rd.readStates.length > 0) this.opts.onReadStates(rd.readStates);
      this.node.advance(rd);
      if (this.appliedIndex - this.snapshotIndex >= this.opts.snapshotCount) await this.takeSnapshot();
    }
  }

  private async persist(rd: Ready): Promise<void> {
    if (rd.entries.length === 0 && !rd.hardState && !rd.snapshot) return;
    await this.opts.log.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
    if (rd.snapshot) {
      this.storage.applySnapshot(rd.snapshot);
      this.opts.applier.restoreSnapshot(rd.snapshot);
      this.appliedIndex = this.snapshotIndex = rd.snapshot.metadata.index;
      this.opts.logger.info({ index: this.snapshotIndex }, 'installed snapshot from leader');
    }
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
  }

  private apply(entries: Entry[]): void {
    for (const entry of entries) {
      if (entry.index <= this.appliedIndex) continue;
      if (entry.type === EntryType.ConfChange) {
        const cc = decodeConfChange(entry.data);
        this.opts.applier.applyConfChange(cc, () => this.node.applyConfChange(cc));
      } else if (entry.data.length > 0) {
        this.opts.applier.applyEntry(entry);
      }
      this.appliedIndex = entry.index;
    }
    if (entries.length > 0) this.opts.onApplied(this.appliedIndex);
  }

  private async takeSnapshot(): Promise<void> {
    const index = this.appliedIndex;
    const snap = this.storage.createSnapshot(index, this.node.status().confState, this.opts.applier.snapshotData());
    await this.opts.log.saveSnapshot(snap);
    this.snapshotIndex = index;
    const compactTo = index - this.opts.catchUpEntries;
    if (compactTo > this.storage.firstIndex()) {
      this.storage.compact(compactTo);
      await this.opts.log.compact(compactTo);
    }
    this.opts.logger.info({ index, compactedTo: Math.max(compactTo, 0) }, 'saved snapshot');
  }
}
