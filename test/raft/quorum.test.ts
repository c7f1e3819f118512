import { describe, expect, test } from 'vitest';
import { committedIndex, quorumSize, voteResult, VoteResult } from '../../raft/quorum.js';

describe('majority arithmetic', () => {
  test('a quorum is more than half of the voters', () => {
    expect([1, 2, 3, 4, 5, 6].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  test('the committed index is the highest index a majority has acknowledged', () => {
    const acked: Record<string, number> = { a: 9, b: 5, c: 7 };
    expect(committedIndex(['a', 'b', 'c'], (id) => acked[id]!)).toBe(7);
    const four: Record<string, number> = { a: 9, b: 5, c: 7, d: 1 };
    expect(committedIndex(['a', 'b', 'c', 'd'], (id) => four[id]!)).toBe(5);
  });

  test('an election is won with a majority of grants, lost when a majority can no longer grant', () => {
    const voters = ['a', 'b', 'c', 'd', 'e'];
    const votes = (v: Record<string, boolean>) => (id: string) => v[id];
    expect(voteResult(voters, votes({ a: true, b: true }))).toBe(VoteResult.Pending);
    expect(voteResult(voters, votes({ a: true, b: true, c: true }))).toBe(VoteResult.Won);
    expect(voteResult(voters, votes({ a: true, b: false, c: false }))).toBe(VoteResult.Pending);
    expect(voteResult(voters, votes({ a: true, b: false, c: false, d: false }))).toBe(VoteResult.Lost);
  });
});
