// The read side of the log that the core consults. Writes are the driver's job (it persists
// Ready.entries); the in-memory implementation is MemoryStorage.
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at most maxSize bytes of data (always at least one). Throws CompactedError / UnavailableError. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  /** Term of entry i; firstIndex()-1 is answerable (the snapshot's term). */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

export class CompactedError extends Error {
  constructor() {
    super('requested index is unavailable due to compaction');
    this.name = 'CompactedError';
  }
}

export class UnavailableError extends Error {
  constructor() {
    super('requested entry at index is unavailable');
    this.name = 'UnavailableError';
  }
}

export class SnapshotTemporarilyUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}
