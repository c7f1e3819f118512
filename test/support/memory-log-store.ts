// A LogStore in memory, for driving a real RaftDriver without LevelDB: what was saved is what a
// restart loads (load()), as the durable log would give it back after a crash.
import type { ConfState, Snapshot } from '../../raft/index.js';
import type { LogStore, SaveRequest } from '../../src/server/seams.js';
import type { LoadedState } from '../../src/storage/durable-log.js';
import { PersistedState } from '../sim/persisted-state.js';

export class MemoryLogStore implements LogStore {
  readonly disk: PersistedState;
  readonly meta: Record<string, unknown> = {};
  /** Ready batches saved, and how many of them asked for an fsync. */
  saves = 0;
  syncs = 0;

  constructor(bootstrap: ConfState = { voters: [], learners: [] }) {
    this.disk = new PersistedState(bootstrap);
  }

  async save(rd: SaveRequest, sync: boolean): Promise<void> {
    this.saves++;
    if (sync) this.syncs++;
    if (rd.snapshot) this.disk.installSnapshot(rd.snapshot);
    this.disk.append(rd.entries);
    if (rd.hardState) this.disk.saveHardState(rd.hardState);
  }

  async saveSnapshot(snap: Snapshot): Promise<void> {
    this.disk.saveOwnSnapshot(snap);
  }

  async compact(throughIndex: number): Promise<void> {
    this.disk.compact(throughIndex);
  }

  /** What a member restarting on this disk would load. */
  load(): LoadedState {
    const { snapshot } = this.disk;
    return {
      hardState: this.disk.hardState ?? { term: 0, vote: '', commit: 0 },
      confState: snapshot?.metadata.confState,
      snapshot: snapshot && structuredClone(snapshot),
      entries: this.disk.entriesAfterSnapshot(),
      meta: { ...this.meta },
    };
  }
}
