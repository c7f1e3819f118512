// A member's durable Raft state: entries, hard state, snapshot records and the server's own
// meta in one LevelDB (<data dir>/member/log), snapshot payloads as files in
// <data dir>/member/snap. Each save is one atomic write batch, fsync'd when the Ready says so.
// Calls are serialized, so the in-memory bounds of the persisted log always match the disk; only a
// snapshot's own file is written beside the queue (its record still takes a turn).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Entry, HardState, Snapshot, SnapshotMetadata } from '../../raft/index.js';
import { openLogDb, readEntryBounds, readSnapshotRecords } from './log-db.js';
import type { LogDb } from './log-db.js';
import { HARD_STATE_KEY, entryKey, metaKey, snapshotKey } from './log-keys.js';
import { loadState } from './log-loader.js';
import type { LoadedState } from './log-loader.js';
import { encodeEntry, encodeHardState, encodeSnapshotRecord } from './log-records.js';
import { encodeRecord } from './record-codec.js';
import { removeSnapshotFilesExcept, removeTempFiles, writeSnapshotFile } from './snapshot-files.js';

export type { LoadedState } from './log-loader.js';
export { CorruptLogError } from './corrupt-log-error.js';

/** pino's shape; a pino logger fits as is. */
export interface StorageLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface DurableLogOptions {
  logger?: StorageLogger;
  /** Called with the latency of every fsync'd batch (for an fsync histogram). */
  onSync?: (ms: number) => void;
  /** A synced batch slower than this is logged like etcd's "slow fdatasync". Default 100 ms. */
  slowSyncMs?: number;
  /**
   * etcd's --max-snapshots: the newest N snapshots are kept (one .snap file and one record each),
   * older ones are removed when a snapshot is saved and once the log is loaded; 0 keeps them all.
   * Default 5.
   */
  maxSnapshots?: number;
}

export interface SaveRequest {
  hardState?: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
}

type BatchOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/** Entries deleted per write batch when the log is compacted. */
const COMPACT_BATCH = 2000;

const SILENT: StorageLogger = { warn() {}, info() {} };

export class DurableLog {
  private queue: Promise<unknown> = Promise.resolve();
  /** Snapshots whose files saveSnapshot is writing outside the queue: not to be pruned as unkept. */
  private readonly fileWrites: SnapshotMetadata[] = [];
  private readonly logger: StorageLogger;
  private readonly slowSyncMs: number;
  private readonly maxSnapshots: number;

  private constructor(
    private readonly db: LogDb,
    private readonly snapDir: string,
    private readonly opts: DurableLogOptions,
    /** Recorded snapshots, oldest first. */
    private snapshots: SnapshotMetadata[],
    /** Persisted entries are [first, last]; none when first > last. */
    private first: number,
    private last: number,
  ) {
    this.logger = opts.logger ?? SILENT;
    this.slowSyncMs = opts.slowSyncMs ?? 100;
    this.maxSnapshots = opts.maxSnapshots ?? 5;
  }

  static async open(dataDir: string, opts: DurableLogOptions = {}): Promise<DurableLog> {
    if (opts.maxSnapshots !== undefined && !(Number.isInteger(opts.maxSnapshots) && opts.maxSnapshots >= 0)) {
      throw new Error(`maxSnapshots must be a whole number of snapshot files, 0 for all (got ${opts.maxSnapshots})`);
    }
    const memberDir = join(dataDir, 'member');
    const snapDir = join(memberDir, 'snap');
    await mkdir(snapDir, { recursive: true });
    const leftovers = await removeTempFiles(snapDir);
    if (leftovers.length > 0) (opts.logger ?? SILENT).warn({ files: leftovers }, 'removed snapshot temp files left by an interrupted write');

    const db = await openLogDb(join(memberDir, 'log'));
    try {
      const snapshots = await readSnapshotRecords(db);
      const snapIndex = snapshots.at(-1)?.index ?? 0;
      const bounds = (await readEntryBounds(db)) ?? { first: snapIndex + 1, last: snapIndex };
      return new DurableLog(db, snapDir, opts, snapshots, bounds.first, bounds.last);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /**
   * Reads and verifies everything persisted; throws CorruptLogError on damage. If it had to fall
   * back to an older snapshot, the newer unusable ones are forgotten (their files go with the next
   * prune), so the state on disk again names the snapshot the server is rebuilt from. Snapshots
   * beyond maxSnapshots (a log opened with a lower limit than it was written with) are removed
   * then, as etcd purges snap files from its start.
   */
  load(): Promise<LoadedState> {
    return this.serially(async () => {
      const state = await loadState(this.db, this.snapDir, this.snapshots, this.logger);
      const snapIndex = state.snapshot?.metadata.index ?? 0;
      await this.forgetSnapshots(this.snapshots.filter((s) => s.index > snapIndex));
      const excess = this.snapshots.slice(0, this.excessSnapshots(this.snapshots.length));
      if (excess.length > 0) {
        await this.forgetSnapshots(excess);
        await this.removeUnkeptSnapshotFiles();
      }
      this.logger.info(
        { snapshotIndex: snapIndex, entries: state.entries.length, commit: state.hardState.commit },
        'loaded raft log',
      );
      return state;
    });
  }

  /**
   * Persists one Ready in one write batch. New entries replace any persisted entry at or after
   * their first index (Raft truncation). A snapshot from the leader is written to its file first,
   * then recorded in the same batch that drops the whole old log.
   */
  save(rd: SaveRequest, sync: boolean): Promise<void> {
    return this.serially(async () => {
      const snap = rd.snapshot?.metadata;
      if (snap) this.assertNewerSnapshot(snap);
      const floor = snap?.index ?? this.newestSnapshotIndex();
      const end = snap?.index ?? this.last;
      assertAppendable(rd.entries, floor, end);

      const ops: BatchOp[] = [];
      let { first, last, snapshots } = this;
      if (rd.snapshot && snap) {
        await writeSnapshotFile(this.snapDir, rd.snapshot);
        const recorded = this.recordSnapshot(snap);
        snapshots = recorded.kept;
        ops.push(...recorded.ops);
        // Raft replaces its whole log with a received snapshot: entries on either side of it
        // are not known to match the leader's log, so none may come back after a restart.
        ops.push(...deleteEntries(first, last));
        first = snap.index + 1;
        last = snap.index;
      }
      const newLast = rd.entries.at(-1)?.index;
      if (newLast !== undefined) {
        for (const e of rd.entries) ops.push({ type: 'put', ...encodeEntry(e) });
        ops.push(...deleteEntries(newLast + 1, last));
        first = Math.min(first, rd.entries[0].index);
        last = newLast;
      }
      if (rd.hardState) ops.push({ type: 'put', key: HARD_STATE_KEY, value: encodeHardState(rd.hardState) });
      if (ops.length === 0) return;

      await this.write(ops, sync || snap !== undefined);
      this.first = first;
      this.last = last;
      this.snapshots = snapshots;
      if (snap) await this.removeUnkeptSnapshotFiles();
    });
  }

  /**
   * Persists a locally taken snapshot: its file atomically, then its record (synced). The file,
   * the bulk of the work, is written beside the queue, so that saves of later Readies are not held
   * behind it; its record then takes its turn.
   */
  async saveSnapshot(snap: Snapshot): Promise<void> {
    const meta = snap.metadata;
    this.fileWrites.push(meta);
    try {
      await writeSnapshotFile(this.snapDir, snap);
      await this.serially(async () => {
        this.assertNewerSnapshot(meta);
        if (meta.index > this.last) throw new Error(`snapshot at ${meta.index} is past the persisted log (last entry ${this.last})`);
        const { ops, kept } = this.recordSnapshot(meta);
        await this.write(ops, true);
        this.snapshots = kept;
      });
    } finally {
      this.fileWrites.splice(this.fileWrites.indexOf(meta), 1);
    }
    await this.serially(() => this.removeUnkeptSnapshotFiles());
  }

  /**
   * Deletes persisted entries <= throughIndex; a snapshot must already cover them. The deletes go
   * in batches of COMPACT_BATCH, each taking its own turn, so that saves of new Readies go between
   * them rather than after all of them (tens of thousands of keys after a snapshot).
   */
  async compact(throughIndex: number): Promise<void> {
    for (let more = true; more; ) {
      more = await this.serially(async () => {
        const snapIndex = this.newestSnapshotIndex();
        if (throughIndex > snapIndex) throw new Error(`cannot compact through ${throughIndex}: the newest snapshot is at ${snapIndex}`);
        if (throughIndex < this.first) return false;
        const end = Math.min(throughIndex, this.last);
        const to = Math.min(end, this.first + COMPACT_BATCH - 1);
        // Not synced: if this is lost, the entries come back behind a snapshot that covers them.
        await this.write(deleteEntries(this.first, to), false);
        if (to < end) {
          this.first = to + 1;
          return true;
        }
        this.first = throughIndex + 1;
        this.last = Math.max(this.last, throughIndex);
        return false;
      });
    }
  }

  /** Durably records a value the server needs across restarts (member id, cluster id, ...). */
  setMeta(key: string, value: unknown): Promise<void> {
    const k = metaKey(key);
    return this.serially(() => this.write([{ type: 'put', key: k, value: encodeRecord(k, value) }], true));
  }

  close(): Promise<void> {
    return this.serially(() => this.db.close());
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async write(ops: BatchOp[], sync: boolean): Promise<void> {
    if (!sync) return this.db.batch(ops);
    const start = performance.now();
    await this.db.batch(ops, { sync: true });
    const ms = performance.now() - start;
    this.opts.onSync?.(ms);
    if (ms > this.slowSyncMs) {
      this.logger.warn({ tookMs: Math.round(ms), expectedMs: this.slowSyncMs }, 'slow fdatasync');
    }
  }

  private newestSnapshotIndex(): number {
    return this.snapshots.at(-1)?.index ?? 0;
  }

  private assertNewerSnapshot(meta: SnapshotMetadata): void {
    const newest = this.newestSnapshotIndex();
    if (meta.index <= newest) throw new Error(`snapshot at ${meta.index} is not newer than the saved one at ${newest}`);
  }

  /** Durably deletes the records of `dropped` (their files stay until removeUnkeptSnapshotFiles). */
  private async forgetSnapshots(dropped: SnapshotMetadata[]): Promise<void> {
    if (dropped.length === 0) return;
    await this.write(dropped.map((s) => ({ type: 'del', key: snapshotKey(s.index) })), true);
    this.snapshots = this.snapshots.filter((s) => !dropped.includes(s));
  }

  /** How many of `count` snapshots, oldest first, are beyond maxSnapshots (0 keeps them all). */
  private excessSnapshots(count: number): number {
    return this.maxSnapshots === 0 ? 0 : Math.max(0, count - this.maxSnapshots);
  }

  /** Ops recording `meta` and forgetting the records beyond the newest maxSnapshots. */
  private recordSnapshot(meta: SnapshotMetadata): { ops: BatchOp[]; kept: SnapshotMetadata[] } {
    const all = [...this.snapshots, meta];
    const dropped = all.slice(0, this.excessSnapshots(all.length));
    const ops: BatchOp[] = [{ type: 'put', ...encodeSnapshotRecord(meta) }];
    for (const d of dropped) ops.push({ type: 'del', key: snapshotKey(d.index) });
    return { ops, kept: all.slice(dropped.length) };
  }

  private async removeUnkeptSnapshotFiles(): Promise<void> {
    const removed = await removeSnapshotFilesExcept(this.snapDir, [...this.snapshots, ...this.fileWrites]);
    if (removed.length > 0) this.logger.info({ files: removed }, 'removed old snapshot files');
  }
}

function deleteEntries(from: number, through: number): BatchOp[] {
  const ops: BatchOp[] = [];
  for (let i = from; i <= through; i++) ops.push({ type: 'del', key: entryKey(i) });
  return ops;
}

/** New entries must be contiguous, after the snapshot, and start no later than just past the log's end. */
function assertAppendable(entries: Entry[], snapIndex: number, lastIndex: number): void {
  const from = entries[0]?.index;
  if (from === undefined) return;
  if (from <= snapIndex) throw new Error(`cannot overwrite entry ${from}: the snapshot at ${snapIndex} covers it`);
  if (from > lastIndex + 1) throw new Error(`entries starting at ${from} would leave a gap after ${lastIndex}`);
  entries.forEach((e, i) => {
    if (e.index !== from + i) throw new Error(`entries to save are not contiguous at ${e.index}`);
  });
}
