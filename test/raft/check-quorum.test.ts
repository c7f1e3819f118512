import { describe, expect, test } from 'vitest';
import { MessageType, StateType } from '../../raft/types.js';
import { Network } from './support/network.js';

const state = (n: Network, id: string) => n.node(id).status().softState.state;
const term = (n: Network, id: string) => n.node(id).status().hardState.term;

describe('check-quorum and the leader lease (thesis §6.2)', () => {
  test('a leader that hears from a quorum stays leader', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true });
    n.elect('a');
    for (let i = 0; i < 50; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(n.leaders()).toEqual(['a']);
  });

  test('a leader that does not hear from a quorum within an election timeout steps down', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true, electionTick: 10 });
    n.elect('a');
    n.isolate('a');
    for (let i = 0; i < 9; i++) n.tick('a');
    n.stabilize();
    expect(state(n, 'a')).toBe(StateType.Leader);
    // The first check only clears the marks of the last round; the second finds nobody.
    n.tick('a', 11);
    expect(state(n, 'a')).toBe(StateType.Follower);
    expect(term(n, 'a')).toBe(1);
  });

  test('without check-quorum an isolated leader keeps believing it leads', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('a');
    n.tick('a', 100);
    expect(state(n, 'a')).toBe(StateType.Leader);
  });

  test('followers with a live leader ignore vote requests of a higher term', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true });
    n.elect('a');
    n.node('c').campaign();
    n.stabilize();
    expect(term(n, 'c')).toBe(2);
    expect(n.deliveredOf(MessageType.VoteResp)).toHaveLength(2); // those of a's own election
    expect(term(n, 'b')).toBe(1);
    expect(n.node('b').status().hardState.vote).toBe('a');
  });

  test('a vote request is honoured once the leader has been silent for an election timeout', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true, electionTick: 10 });
    n.elect('a');
    n.isolate('a');
    n.tick('b', 10);
    n.node('c').campaign();
    n.stabilize();
    expect(n.leaders()).toContain('c');
    expect(term(n, 'c')).toBe(2);
  });

  test('a stale leader learns the newer term from a follower answering its heartbeat', () => {
    const n = new Network(['a', 'b', 'c'], { checkQuorum: true, electionTick: 10 });
    n.elect('a');
    n.isolate('a');
    n.tick('b', 10);
    n.elect('c');
    n.heal();
    n.tick('a'); // heartbeat
    n.stabilize();
    expect(state(n, 'a')).toBe(StateType.Follower);
    expect(term(n, 'a')).toBe(2);
    expect(n.leaders()).toEqual(['c']);
  });
});
