import { describe, expect, it } from 'vitest';
import { StateType } from '../../raft/index.js';
import { LeaderTracker } from '../../src/server/leader-tracker.js';
import { FakeClock } from '../support/fake-clock.js';

const ELECTION_TIMEOUT_MS = 1000;

function tracker(clock: FakeClock, term: { now: number }): { leader: LeaderTracker; cutOffs: number[] } {
  const leader = new LeaderTracker(clock, { electionTimeoutMs: ELECTION_TIMEOUT_MS, term: () => term.now });
  const cutOffs: number[] = [];
  leader.onCutOff(() => cutOffs.push(clock.monotonic()));
  return { leader, cutOffs };
}

describe('knowing when a member is cut off from the quorum', () => {
  it('a member that has known no leader for three election timeouts is cut off, until it knows one', async () => {
    const clock = new FakeClock();
    const { leader, cutOffs } = tracker(clock, { now: 1 });
    await clock.advance(3 * ELECTION_TIMEOUT_MS - 1);
    expect(leader.cutOff).toBe(false);
    await clock.advance(1);
    expect(leader.cutOff).toBe(true);
    expect(cutOffs).toEqual([3 * ELECTION_TIMEOUT_MS]);
    leader.update({ lead: 'm2', state: StateType.Follower });
    expect(leader.cutOff).toBe(false);
  });

  it('an election that ends within the limit does not count', async () => {
    const clock = new FakeClock();
    const term = { now: 1 };
    const { leader, cutOffs } = tracker(clock, term);
    leader.update({ lead: 'm2', state: StateType.Follower });
    await clock.advance(10 * ELECTION_TIMEOUT_MS);
    term.now = 2;
    leader.update({ lead: '', state: StateType.PreCandidate });
    await clock.advance(3 * ELECTION_TIMEOUT_MS - 1);
    leader.update({ lead: 'm3', state: StateType.Follower });
    await clock.advance(10 * ELECTION_TIMEOUT_MS);
    expect(cutOffs).toEqual([]);
  });

  it('a leader that steps down in its own term (check-quorum heard from no quorum) is cut off at once', async () => {
    const clock = new FakeClock();
    const { leader, cutOffs } = tracker(clock, { now: 3 });
    leader.update({ lead: 'm1', state: StateType.Leader });
    await clock.advance(5000);
    leader.update({ lead: '', state: StateType.Follower });
    expect(leader.cutOff).toBe(true);
    expect(cutOffs).toEqual([5000]);
  });

  it('a leader that steps down for a newer term (a vote request, a transfer) is not', async () => {
    const clock = new FakeClock();
    const term = { now: 3 };
    const { leader } = tracker(clock, term);
    leader.update({ lead: 'm1', state: StateType.Leader });
    term.now = 4;
    leader.update({ lead: '', state: StateType.Follower });
    expect(leader.cutOff).toBe(false);
  });
});
