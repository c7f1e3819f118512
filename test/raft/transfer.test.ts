import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { ConfChangeType, MessageType, ProposalDroppedError, StateType } from '../../raft/types.js';
import { Network, bytes } from './support/network.js';

const options = { preVote: true, checkQuorum: true, electionTick: 10 };
const term = (n: Network, id: string) => n.node(id).status().hardState.term;

describe('leadership transfer (thesis §3.10)', () => {
  test('leadership moves to an up-to-date follower through TimeoutNow, past the leader lease', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.node('a').transferLeader('b');
    n.stabilize();
    expect(n.leaders()).toEqual(['b']);
    expect(term(n, 'b')).toBe(2);
    expect(n.deliveredOf(MessageType.TimeoutNow)).toHaveLength(1);
    expect(n.deliveredOf(MessageType.PreVote, { from: 'b' })).toEqual([]);
  });

  test('a lagging transferee is brought up to date before it is told to campaign', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.isolate('c');
    for (let i = 0; i < 3; i++) n.node('a').propose(bytes(`p${i}`));
    n.stabilize();
    n.heal();
    n.node('a').transferLeader('c');
    n.stabilize();
    expect(n.leaders()).toEqual(['c']);
    expect(n.appliedData('c')).toEqual(['p0', 'p1', 'p2']);
    const timeoutNowAt = n.delivered.findIndex((m) => m.type === MessageType.TimeoutNow);
    const lastAppendAt = n.delivered.findLastIndex((m, i) => i < timeoutNowAt && m.type === MessageType.AppResp && m.from === 'c');
    expect(n.delivered[lastAppendAt]!.index).toBe(4);
  });

  test('the leader refuses proposals while a transfer is in progress', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.isolate('b');
    n.node('a').transferLeader('b');
    n.stabilize();
    expect(n.node('a').status().leadTransferee).toBe('b');
    expect(() => n.node('a').propose(bytes('x'))).toThrow(ProposalDroppedError);
    expect(() => n.node('a').propose(bytes('x'))).toThrow(/leadership transfer to b/);
  });

  test('a transfer that does not finish within an election timeout is aborted', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.cut('a', 'b');
    n.node('a').transferLeader('b');
    for (let i = 0; i < 10; i++) {
      n.tick('a');
      n.tick('c');
      n.stabilize();
    }
    expect(n.node('a').status()).toMatchObject({ leadTransferee: '', softState: { state: StateType.Leader } });
    n.node('a').propose(bytes('accepted again'));
    n.stabilize();
    expect(n.appliedData('c')).toEqual(['accepted again']);
  });

  test('a follower forwards a transfer request to the leader', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.node('b').transferLeader('c');
    n.stabilize();
    expect(n.leaders()).toEqual(['c']);
  });

  test('a transfer to a learner is ignored', () => {
    const n = new Network(['a', 'b', 'c'], options, ['d']);
    n.elect('a');
    n.node('a').transferLeader('d');
    n.stabilize();
    expect(n.leaders()).toEqual(['a']);
    expect(n.node('a').status().leadTransferee).toBe('');
  });

  test('a member told to take over before applying a committed conf change campaigns right after applying it', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.node('a').proposeConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: 'd', context: new Uint8Array() });
    n.processReady('a');
    n.deliver();
    n.processReady('b');
    n.processReady('c');
    n.deliver();
    n.processReady('a');
    n.deliver(); // b learns that the conf change (index 2) committed, but has not applied it
    const b = n.node('b');
    expect(b.status()).toMatchObject({ commit: 2, applied: 1 });
    b.step(message({ type: MessageType.TimeoutNow, from: 'a', to: 'b', term: 1 }));
    expect(b.status().softState.state).toBe(StateType.Follower);
    n.processReady('b');
    expect(b.status().softState.state).toBe(StateType.Candidate);
    n.stabilize();
    expect(n.leaders()).toEqual(['b']);
  });
});
