// A raftkv cluster taking over an etcd's key space (`raftkv migrate`): the replicated steps of the
// copy and of the mirroring that follows, and whether the cluster is still following its source.
// While it follows, the index is etcd's to give: clients may not write, the leader's SYNC
// expires nothing (etcd's expire events are mirrored), and raftkv's own membership and auth
// writes take no index. Each step is safe to commit twice.
import type { Store } from '../store/store.js';
import type { CopiedEvent, CopiedNodeJSON } from '../store/copied-node.js';
import { EtcdError, ErrorCode } from '../store/types.js';

export type MigrateOp =
  /** A copy of the source at `sourceIndex` starts (again, for a running migration: the keys go). */
  | { op: 'begin'; session: string; sourceIndex: number; force: boolean }
  /** The `batch`th slice of the source's recursive GET, parents before children. */
  | { op: 'nodes'; session: string; batch: number; nodes: CopiedNodeJSON[] }
  /** Every node is in: the store's index becomes the source's. */
  | { op: 'copied'; session: string; index: number }
  /** Later source events, in index order. */
  | { op: 'events'; session: string; events: CopiedEvent[] }
  /**
   * At the cut-over, TTL nodes as the source lists them through `index` where they differ from
   * ours: refreshes (refresh=true) change a node's expiration and modifiedIndex but wake no watcher.
   */
  | { op: 'retimed'; session: string; index: number; nodes: CopiedNodeJSON[] }
  /** Cut-over at the source's `index`: clients may write again. */
  | { op: 'finish'; session: string; index: number };

export interface MigrationData {
  session: string;
  nextBatch: number;
  /** The copy is whole; events may follow. */
  copied: boolean;
}

/** The cause clients read when refused while the cluster follows its source. */
export const MIRRORING_CAUSE = 'raftkv is mirroring an etcd cluster (raftkv migrate); write to etcd until the cut-over';

export class Migration {
  constructor(private data: MigrationData | undefined = undefined) {}

  /** Following a source: the index is the source's. */
  get active(): boolean {
    return this.data !== undefined;
  }

  toData(): MigrationData | undefined {
    return this.data;
  }

  /** Applies a step, answering the store's index; throws EtcdError when refused (every member alike). */
  apply(store: Store, op: MigrateOp): number {
    const refuse = (cause: string): EtcdError => new EtcdError(ErrorCode.RaftInternal, `raftkv migrate: ${cause}`, store.index);
    if (op.op === 'begin') {
      if (this.data?.session === op.session) return store.index;
      if (this.data === undefined && store.hasKeys && !op.force) throw refuse('this cluster already holds keys (--force replaces them)');
      if (store.index > op.sourceIndex) throw refuse(`this cluster's index ${store.index} is past etcd's ${op.sourceIndex}; indexes cannot go back`);
      store.clearKeys();
      this.data = { session: op.session, nextBatch: 0, copied: false };
      return store.index;
    }
    const data = this.data;
    if (data?.session !== op.session) throw refuse(data === undefined ? 'no migration is running' : 'another migration took over');
    switch (op.op) {
      case 'nodes':
        if (data.copied || op.batch > data.nextBatch) throw refuse(`batch ${op.batch} is out of order`);
        if (op.batch === data.nextBatch) {
          store.copyNodes(op.nodes);
          data.nextBatch++;
        }
        break;
      case 'copied':
        // Committed twice, the second must leave the events mirrored since alone.
        if (data.copied) break;
        if (op.index < store.index) throw refuse(`etcd's index ${op.index} is behind this cluster's ${store.index}`);
        store.copiedThrough(op.index);
        data.copied = true;
        break;
      case 'events':
        if (!data.copied) throw refuse('events before the copy is whole');
        for (const ev of op.events) store.replay(ev);
        break;
      case 'retimed':
        if (!data.copied) throw refuse('TTLs corrected before the copy is whole');
        store.retime(op.index, op.nodes);
        break;
      case 'finish':
        store.skipTo(op.index);
        this.data = undefined;
        break;
    }
    return store.index;
  }
}
