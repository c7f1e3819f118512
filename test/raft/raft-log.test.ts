import { describe, expect, test } from 'vitest';
import { MemoryStorage } from '../../raft/memory-storage.js';
import { RaftLog } from '../../raft/raft-log.js';
import { entriesWithTerms, termsOf } from './support/entries.js';

function logWithTerms(terms: number[]): RaftLog {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  storage.append(entriesWithTerms(terms));
  return new RaftLog(storage);
}

describe('the raft log', () => {
  test('appends after a matching (index, term) and truncates the conflicting suffix', () => {
    const log = logWithTerms([1, 1, 2, 2]);
    expect(log.maybeAppend(2, 1, 0, entriesWithTerms([3, 3], 3))).toBe(4);
    expect(termsOf(log.entriesFrom(log.firstIndex(), Infinity))).toEqual([1, 1, 3, 3]);
  });

  test('keeps entries the leader re-sends unchanged and any beyond them', () => {
    const log = logWithTerms([1, 1, 2, 2]);
    expect(log.maybeAppend(1, 1, 0, entriesWithTerms([1], 2))).toBe(2);
    expect(termsOf(log.entriesFrom(log.firstIndex(), Infinity))).toEqual([1, 1, 2, 2]);
  });

  test('refuses an append whose previous entry does not match', () => {
    const log = logWithTerms([1, 1, 2]);
    expect(log.maybeAppend(3, 3, 0, [])).toBeUndefined();
    expect(log.maybeAppend(5, 2, 0, [])).toBeUndefined();
  });

  test('never overwrites a committed entry', () => {
    const log = logWithTerms([1, 1, 2]);
    log.commitTo(3);
    expect(() => log.maybeAppend(1, 1, 3, entriesWithTerms([4, 4], 2))).toThrow(/conflicts with committed/);
  });

  test('commits only up to the last new entry of an append', () => {
    const log = logWithTerms([1]);
    log.maybeAppend(1, 1, 9, entriesWithTerms([1, 1], 2));
    expect(log.committed).toBe(3);
  });

  test('finds the last index whose term is at most the given term', () => {
    const log = logWithTerms([1, 1, 1, 4, 4, 5, 5]);
    expect(log.findConflictByTerm(7, 4)).toEqual({ index: 5, term: 4 });
    expect(log.findConflictByTerm(7, 3)).toEqual({ index: 3, term: 1 });
    expect(log.findConflictByTerm(20, 9)).toEqual({ index: 7, term: 5 });
    expect(log.findConflictByTerm(2, 0)).toEqual({ index: 0, term: 0 });
  });

  test('judges up-to-date by last term first, then by length (§5.4.1)', () => {
    const log = logWithTerms([1, 2, 2]);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  test('the commit index never goes backwards and applied never passes it', () => {
    const log = logWithTerms([1, 1, 1]);
    log.commitTo(2);
    log.commitTo(1);
    expect(log.committed).toBe(2);
    expect(() => log.appliedTo(3)).toThrow(/invariant violated: applied 3 would pass commit 2/);
    expect(() => log.commitTo(9)).toThrow(/past the end of the log/);
  });
});
