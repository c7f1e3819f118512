// Storage held in memory: the log the core reads through, kept in step by the driver with what
// it has persisted (hard state, entries, snapshots). Also the test double for the core.
import { limitSize } from './entry-size.js';
import { CompactedError, UnavailableError } from './storage.js';
import type { Storage } from './storage.js';
import { EntryType, NONE } from './types.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

function placeholder(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array() };
}

function copyConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters], learners: [...cs.learners] };
}

export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: NONE, commit: 0 };
  private snap: Snapshot;
  /** ents[0] stands for the snapshot's last entry (index and term only); real entries follow. */
  private ents: Entry[];

  /** `confState` holds the initial members of a brand-new group; the log is empty at index 0, term 0. */
  constructor(confState: ConfState = { voters: [], learners: [] }) {
    this.snap = { metadata: { index: 0, term: 0, confState: copyConfState(confState) }, data: new Uint8Array() };
    this.ents = [placeholder(0, 0)];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: copyConfState(this.snap.metadata.confState) };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) {
      throw new Error(`raft storage: entries up to ${hi - 1} requested but the log ends at ${this.lastIndex()}`);
    }
    if (this.ents.length === 1) throw new UnavailableError();
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new CompactedError();
    if (i - offset >= this.ents.length) throw new UnavailableError();
    return this.ents[i - offset]!.term;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) {
      throw new Error(`raft storage: snapshot at ${snap.metadata.index} is not newer than the one at ${this.snap.metadata.index}`);
    }
    this.snap = snap;
    this.ents = [placeholder(snap.metadata.index, snap.metadata.term)];
  }

  /** Records the state machine's state at applied index `index`; the log is kept (see compact). */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) {
      throw new Error(`raft storage: snapshot at ${index} is not newer than the one at ${this.snap.metadata.index}`);
    }
    if (index > this.lastIndex()) {
      throw new Error(`raft storage: snapshot at ${index} is past the end of the log at ${this.lastIndex()}`);
    }
    const term = this.term(index);
    this.snap = { metadata: { index, term, confState: copyConfState(confState) }, data };
    return this.snap;
  }

  /** Drops every entry up to and including `compactIndex`. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError();
    if (compactIndex > this.lastIndex()) {
      throw new Error(`raft storage: cannot compact to ${compactIndex}, the log ends at ${this.lastIndex()}`);
    }
    const i = compactIndex - offset;
    this.ents = [placeholder(compactIndex, this.ents[i]!.term), ...this.ents.slice(i + 1)];
  }

  /** Appends entries, first dropping any existing suffix they replace (a conflicting tail). */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    if (entries.at(-1)!.index < first) return;
    // Entries already compacted away are committed and identical: skip them.
    const fresh = entries[0]!.index < first ? entries.slice(first - entries[0]!.index) : entries;
    const offset = fresh[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new Error(`raft storage: missing log entries between ${this.lastIndex()} and ${fresh[0]!.index}`);
    }
    // In place: the log only ever grows at its end or loses a suffix, and copying it whole on
    // every append would make appends cost O(log length).
    this.ents.length = offset;
    for (const e of fresh) this.ents.push(e);
  }
}
