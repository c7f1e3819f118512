// A member's "disk": exactly what its driver wrote — hard state, log entries and the latest
// snapshot. A crash keeps this and nothing else; a restart rebuilds the member from it.
import type { ConfState, Entry, HardState, Snapshot } from '../../raft/types.js';
import { PropertyViolation } from './property-violation.js';

export class PersistedState {
  hardState: HardState | undefined;
  snapshot: Snapshot | undefined;
  private log: Entry[] = [];

  /** The founding configuration (the log's state at index 0); a member that joins later boots from it too and learns the rest from the log or a snapshot. */
  constructor(readonly bootstrap: ConfState) {}

  /** The log; every write replaces the array rather than changing it in place. */
  get entries(): readonly Entry[] {
    return this.log;
  }

  /** Writes entries, replacing any conflicting suffix (what raft asks when a follower's log diverged). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    const start = this.log.length > 0 ? this.log[0]!.index : this.snapshotIndex() + 1;
    if (first > start + this.log.length) {
      throw new PropertyViolation('persistence', `entries start at ${first} but the log ends at ${start + this.log.length - 1}`);
    }
    const commit = this.hardState?.commit ?? 0;
    for (const e of entries) {
      if (e.index > commit) break;
      const old = this.log[e.index - start];
      if (old && old.term !== e.term) {
        throw new PropertyViolation('commit safety', `raft overwrote committed entry ${e.index} (term ${old.term} → ${e.term})`);
      }
    }
    this.log = this.log.slice(0, Math.max(0, first - start)).concat(entries.map((e) => ({ ...e })));
  }

  saveHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  /** A snapshot received from the leader replaces the whole log. */
  installSnapshot(snap: Snapshot): void {
    this.snapshot = structuredClone(snap);
    this.log = [];
  }

  /** A snapshot the member took of its own state: the log after it stays. */
  saveOwnSnapshot(snap: Snapshot): void {
    this.snapshot = structuredClone(snap);
  }

  /** Drops entries at or below `index`. */
  compact(index: number): void {
    this.log = this.log.filter((e) => e.index > index);
  }

  snapshotIndex(): number {
    return this.snapshot?.metadata.index ?? 0;
  }

  /** Entries a restart needs: those after the snapshot. */
  entriesAfterSnapshot(): Entry[] {
    const after = this.snapshotIndex();
    return this.log.filter((e) => e.index > after);
  }
}
