import { describe, expect, test } from 'vitest';
import { MessageType, StateType } from '../../raft/types.js';
import { Network } from './support/network.js';

const ELECTION_TICK = 10;
const options = { preVote: true, checkQuorum: true, electionTick: ELECTION_TICK };
const state = (n: Network, id: string) => n.node(id).status().softState;
const term = (n: Network, id: string) => n.node(id).status().hardState.term;

/** Ticks every node once and lets all messages settle, `times` times; returns after how many ticks `until` held (or undefined). */
function tickUntil(n: Network, times: number, until: () => boolean): number | undefined {
  for (let i = 1; i <= times; i++) {
    n.tickAll();
    n.stabilize();
    if (until()) return i;
  }
  return undefined;
}

/** A 3-member group led by `a`, whose process then dies: nothing reaches it or leaves it any more. `seed`: every node's. */
function crashedLeader(seed?: number): Network {
  const n = new Network(['a', 'b', 'c'], seed === undefined ? options : { ...options, seed });
  n.elect('a');
  n.isolate('a');
  return n;
}

describe('a follower told that its leader is down', () => {
  test('campaigns with a pre-vote within three ticks, far sooner than its election timeout', () => {
    const n = crashedLeader();
    n.node('b').reportPeerDown('a');
    n.stabilize();
    expect(state(n, 'b').lead).toBe('');
    const campaigned = tickUntil(n, ELECTION_TICK, () => n.sentOf(MessageType.PreVote, { from: 'b' }).length > 0);
    expect(campaigned).toBeGreaterThanOrEqual(1);
    expect(campaigned).toBeLessThanOrEqual(3);
  });

  test('the two survivors of a leader crash, both told, elect one of them within three ticks', () => {
    const n = crashedLeader();
    for (const id of ['b', 'c']) n.node(id).reportPeerDown('a');
    const elected = tickUntil(n, ELECTION_TICK, () => n.leaders().some((id) => id !== 'a'));
    expect(elected).toBeLessThanOrEqual(3);
    const leader = n.leaders().find((id) => id !== 'a')!;
    expect(['b', 'c']).toContain(leader);
    expect(term(n, leader)).toBe(2);
    expect(state(n, leader === 'b' ? 'c' : 'b')).toEqual({ lead: leader, state: StateType.Follower });
  });

  test('draws its delay at random from 1 to 3 ticks, so that survivors seldom campaign together', () => {
    const delays = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) {
      const n = crashedLeader(seed);
      n.node('b').reportPeerDown('a');
      delays.add(tickUntil(n, ELECTION_TICK, () => n.sentOf(MessageType.PreVote, { from: 'b' }).length > 0)!);
    }
    expect([...delays].sort()).toEqual([1, 2, 3]);
  });

  test('is not moved by a report about a member other than its leader', () => {
    const n = crashedLeader();
    n.node('b').reportPeerDown('c');
    expect(n.node('b').hasReady()).toBe(false);
    expect(state(n, 'b').lead).toBe('a');
    // Its leader is silent, yet it waits out its own election timeout as before.
    expect(tickUntil(n, ELECTION_TICK - 1, () => n.sentOf(MessageType.PreVote, { from: 'b' }).length > 0)).toBeUndefined();
  });

  test('a leader or a candidate told that a member is down carries on', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.node('a').reportPeerDown('b');
    expect(state(n, 'a')).toEqual({ lead: 'a', state: StateType.Leader });
    n.isolate('c');
    n.node('c').campaign();
    n.processReady('c');
    n.node('c').reportPeerDown('a');
    expect(n.node('c').hasReady()).toBe(false);
    expect(state(n, 'c').state).toBe(StateType.PreCandidate);
  });

  test('wrongly told (the leader lives and the others hear it), does not depose the leader or move its term', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    // Only b stops hearing a (its connection to a broke), so its campaign is not cut short by a's heartbeats.
    n.drop((m) => m.from === 'a' && m.to === 'b');
    n.node('b').reportPeerDown('a');
    const campaigned = tickUntil(n, 3, () => n.sentOf(MessageType.PreVote, { from: 'b' }).length > 0);
    expect(campaigned).toBeDefined();
    tickUntil(n, 3 * ELECTION_TICK, () => false);
    expect(n.leaders()).toEqual(['a']);
    expect(['a', 'b', 'c'].map((id) => term(n, id))).toEqual([1, 1, 1]);
    expect(n.deliveredOf(MessageType.PreVoteResp, { to: 'b' }).filter((m) => !m.reject)).toEqual([]);
    n.heal();
    tickUntil(n, 1, () => true);
    expect(state(n, 'b')).toEqual({ lead: 'a', state: StateType.Follower });
  });
});
