import { describe, expect, test } from 'vitest';
import { MemoryStorage } from '../../raft/memory-storage.js';
import { CompactedError, UnavailableError } from '../../raft/storage.js';
import { entriesWithTerms, termsOf } from './support/entries.js';

const conf = { voters: ['a', 'b', 'c'], learners: [] };

function storageWithTerms(terms: number[]): MemoryStorage {
  const s = new MemoryStorage(conf);
  s.append(entriesWithTerms(terms));
  return s;
}

describe('MemoryStorage', () => {
  test('a fresh group starts with an empty log at index 0, term 0, and its initial voters', () => {
    const s = new MemoryStorage(conf);
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(0);
    expect(s.term(0)).toBe(0);
    expect(s.initialState().confState).toEqual(conf);
    expect(s.initialState().hardState).toEqual({ term: 0, vote: '', commit: 0 });
  });

  test('append truncates a conflicting suffix', () => {
    const s = storageWithTerms([1, 1, 2, 2]);
    s.append(entriesWithTerms([3, 3], 3));
    expect(termsOf(s.entries(1, 5, Infinity))).toEqual([1, 1, 3, 3]);
    s.append(entriesWithTerms([4], 2));
    expect(s.lastIndex()).toBe(2);
    expect(termsOf(s.entries(1, 3, Infinity))).toEqual([1, 4]);
  });

  test('append refuses to leave a gap in the log', () => {
    const s = storageWithTerms([1]);
    expect(() => s.append(entriesWithTerms([1], 3))).toThrow(/missing log entries/);
  });

  test('entries respects the size limit but always returns at least one entry', () => {
    const s = new MemoryStorage(conf);
    s.append([1, 2, 3].map((i) => ({ term: 1, index: i, type: 0, data: new Uint8Array(10) })));
    expect(s.entries(1, 4, 0)).toHaveLength(1);
    expect(s.entries(1, 4, 20)).toHaveLength(2);
    expect(s.entries(1, 4, 30)).toHaveLength(3);
  });

  test('compacted entries are gone: reading them throws CompactedError, the last compacted term remains', () => {
    const s = storageWithTerms([1, 1, 2, 2, 3]);
    s.createSnapshot(3, conf, new Uint8Array([7]));
    s.compact(3);
    expect(s.firstIndex()).toBe(4);
    expect(s.term(3)).toBe(2);
    expect(() => s.term(2)).toThrow(CompactedError);
    expect(() => s.entries(3, 5, Infinity)).toThrow(CompactedError);
    expect(() => s.compact(2)).toThrow(CompactedError);
    expect(termsOf(s.entries(4, 6, Infinity))).toEqual([2, 3]);
  });

  test('a term past the end of the log is unavailable', () => {
    expect(() => storageWithTerms([1]).term(2)).toThrow(UnavailableError);
  });

  test('createSnapshot records index, term and configuration and refuses an older index', () => {
    const s = storageWithTerms([1, 2, 2]);
    const snap = s.createSnapshot(2, conf, new Uint8Array([9]));
    expect(snap.metadata).toEqual({ index: 2, term: 2, confState: conf });
    expect(s.snapshot()).toBe(snap);
    expect(() => s.createSnapshot(1, conf, new Uint8Array())).toThrow(/not newer/);
    expect(() => s.createSnapshot(9, conf, new Uint8Array())).toThrow(/past the end/);
  });

  test('applySnapshot replaces the log and the configuration', () => {
    const s = storageWithTerms([1, 1]);
    const newConf = { voters: ['a', 'b'], learners: ['d'] };
    s.applySnapshot({ metadata: { index: 10, term: 4, confState: newConf }, data: new Uint8Array() });
    expect(s.firstIndex()).toBe(11);
    expect(s.lastIndex()).toBe(10);
    expect(s.term(10)).toBe(4);
    expect(s.initialState().confState).toEqual(newConf);
    s.append(entriesWithTerms([4, 5], 11));
    expect(s.lastIndex()).toBe(12);
  });

  test('appending entries that a snapshot already covers keeps only the newer ones', () => {
    const s = new MemoryStorage(conf);
    s.applySnapshot({ metadata: { index: 3, term: 2, confState: conf }, data: new Uint8Array() });
    s.append(entriesWithTerms([1, 2, 2, 2, 3], 1));
    expect(s.firstIndex()).toBe(4);
    expect(termsOf(s.entries(4, 6, Infinity))).toEqual([2, 3]);
  });
});
