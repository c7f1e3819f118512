import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { MessageType, StateType } from '../../raft/types.js';
import { Network, bytes } from './support/network.js';

const term = (n: Network, id: string) => n.node(id).status().hardState.term;

describe('pre-vote (thesis §9.6)', () => {
  test('a pre-candidate asks with term+1 without raising its own term or casting a vote', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true });
    n.node('a').campaign();
    const rd = n.processReady('a')!;
    expect(rd.softState?.state).toBe(StateType.PreCandidate);
    expect(rd.hardState).toBeUndefined();
    expect(rd.messages.map((m) => [m.type, m.to, m.term])).toEqual([
      [MessageType.PreVote, 'b', 1],
      [MessageType.PreVote, 'c', 1],
    ]);
  });

  test('a won pre-election is followed by the real election', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true });
    n.elect('a');
    expect(n.leaders()).toEqual(['a']);
    expect(term(n, 'a')).toBe(1);
    expect(n.deliveredOf(MessageType.PreVote)).toHaveLength(2);
    expect(n.deliveredOf(MessageType.Vote)).toHaveLength(2);
  });

  test('a partitioned member rejoining does not raise the cluster term', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true });
    n.elect('a');
    n.isolate('c');
    for (let i = 0; i < 100; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(term(n, 'c')).toBe(1);
    n.heal();
    for (let i = 0; i < 30; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(n.leaders()).toEqual(['a']);
    expect(['a', 'b', 'c'].map((id) => term(n, id))).toEqual([1, 1, 1]);
  });

  test('without pre-vote the same partition inflates the term and deposes the leader', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true });
    n.elect('a');
    n.isolate('c');
    for (let i = 0; i < 100; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(term(n, 'c')).toBeGreaterThan(3);
    n.heal();
    for (let i = 0; i < 30; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(term(n, 'a')).toBeGreaterThan(3);
  });

  test('a member that heard from its leader within the election timeout ignores a pre-vote', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true });
    n.elect('a');
    n.node('c').campaign();
    n.stabilize();
    expect(n.deliveredOf(MessageType.PreVoteResp, { to: 'c' })).toHaveLength(0);
    expect(n.node('c').status().softState.state).toBe(StateType.PreCandidate);
    expect(n.leaders()).toEqual(['a']);
  });

  test('a pre-candidate that a majority rejects returns to follower in its own term', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true });
    const c = n.node('c');
    c.campaign();
    for (const from of ['a', 'b']) c.step(message({ type: MessageType.PreVoteResp, from, to: 'c', term: 0, reject: true }));
    expect(c.status().softState.state).toBe(StateType.Follower);
    expect(c.status().hardState.term).toBe(0);
  });

  test('once the leader is gone the followers elect a new one with a single term increase', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true, checkQuorum: true });
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.isolate('a');
    for (let i = 0; i < 40 && n.leaders().filter((id) => id !== 'a').length === 0; i++) {
      n.tickAll();
      n.stabilize();
    }
    const newLeader = n.leaders().find((id) => id !== 'a')!;
    expect(['b', 'c']).toContain(newLeader);
    expect(term(n, newLeader)).toBe(2);
  });
});
