import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/types.js';
import type { Entry } from '../../raft/types.js';
import { PersistedState } from './persisted-state.js';

const founders = { voters: ['n1', 'n2', 'n3'], learners: [] };

function entries(from: number, ...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: from + i, term, type: EntryType.Normal, data: new Uint8Array() }));
}

function terms(disk: PersistedState): string {
  return disk.entries.map((e) => `${e.index}/${e.term}`).join(' ');
}

describe("a simulated member's disk", () => {
  it('replaces a conflicting uncommitted suffix', () => {
    const disk = new PersistedState(founders);
    disk.append(entries(1, 1, 1, 1));
    disk.append(entries(2, 2));
    expect(terms(disk)).toBe('1/1 2/2');
  });

  it('refuses entries that would leave a gap', () => {
    const disk = new PersistedState(founders);
    disk.append(entries(1, 1));
    expect(() => disk.append(entries(3, 1))).toThrow(/persistence/);
  });

  it('refuses to overwrite a committed entry with one of another term', () => {
    const disk = new PersistedState(founders);
    disk.append(entries(1, 1, 1));
    disk.saveHardState({ term: 1, vote: 'n1', commit: 2 });
    disk.append(entries(2, 1, 1));
    expect(() => disk.append(entries(2, 2))).toThrow(/commit safety.*entry 2/);
  });

  it('keeps the log after its own snapshot but drops it for a snapshot from the leader', () => {
    const disk = new PersistedState(founders);
    disk.append(entries(1, 1, 1, 1, 1));
    const snap = { metadata: { index: 3, term: 1, confState: founders }, data: new Uint8Array() };
    disk.saveOwnSnapshot(snap);
    disk.compact(2);
    expect(terms(disk)).toBe('3/1 4/1');
    expect(disk.entriesAfterSnapshot().map((e) => e.index)).toEqual([4]);
    disk.installSnapshot({ ...snap, metadata: { ...snap.metadata, index: 9 } });
    expect(disk.entries).toEqual([]);
    disk.append(entries(10, 2));
    expect(terms(disk)).toBe('10/2');
  });
});
