// The arithmetic of majorities, and nothing else: what a majority of voters has acknowledged,
// and whether an election (or any yes/no poll) is won, lost or still open.
import type { NodeId } from './types.js';

export const VoteResult = { Pending: 'pending', Lost: 'lost', Won: 'won' } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The highest index that a majority of `voters` has acknowledged (0 without voters):
 * sorted in descending order, the value at position ⌊n/2⌋ is held by ⌊n/2⌋+1 voters.
 */
export function committedIndex(voters: readonly NodeId[], acked: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const indexes = voters.map(acked).sort((a, b) => b - a);
  return indexes[Math.floor(voters.length / 2)]!;
}

/** `vote(id)` is true (granted), false (rejected) or undefined (not heard from yet). */
export function voteResult(voters: readonly NodeId[], vote: (id: NodeId) => boolean | undefined): VoteResult {
  if (voters.length === 0) return VoteResult.Won;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = vote(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = quorumSize(voters.length);
  if (granted >= q) return VoteResult.Won;
  if (granted + missing >= q) return VoteResult.Pending;
  return VoteResult.Lost;
}
