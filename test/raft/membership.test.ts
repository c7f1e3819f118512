import { describe, expect, test } from 'vitest';
import { ConfChangeType, MessageType, ProposalDroppedError, StateType } from '../../raft/types.js';
import type { ConfChangeType as ConfChangeKind } from '../../raft/types.js';
import { Network, bytes } from './support/network.js';

const change = (type: ConfChangeKind, nodeId: string) => ({ type, nodeId, context: new Uint8Array() });
const confOf = (n: Network, id: string) => n.node(id).status().confState;
const commitOf = (n: Network, id: string) => n.node(id).status().commit;

/** Runs time forward until some member leads (or gives up). */
function settle(n: Network, rounds = 60): void {
  for (let i = 0; i < rounds; i++) {
    n.tickAll();
    n.stabilize();
  }
}

describe('membership changes, one at a time (thesis §4.1)', () => {
  test('a voter added by a committed ConfChange catches up and counts toward the quorum', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('before'));
    n.stabilize();
    // A joining member starts with the group's current configuration (without itself).
    n.add('d', confOf(n, 'a'));
    n.node('a').proposeConfChange(change(ConfChangeType.AddNode, 'd'));
    n.stabilize();
    for (const id of ['a', 'b', 'c', 'd']) expect(confOf(n, id)).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    expect(n.appliedData('d')).toEqual(['before']);
    // Four voters need three: a and d alone cannot commit.
    n.isolate('b');
    n.isolate('c');
    n.node('a').propose(bytes('needs three'));
    n.stabilize();
    expect(n.appliedData('a')).toEqual(['before']);
    n.heal();
    n.tick('a');
    n.stabilize();
    expect(n.appliedData('d')).toEqual(['before', 'needs three']);
  });

  test('a removed member no longer counts toward the quorum', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').proposeConfChange(change(ConfChangeType.RemoveNode, 'c'));
    n.stabilize();
    expect(confOf(n, 'a')).toEqual({ voters: ['a', 'b'], learners: [] });
    n.isolate('c');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    expect(n.appliedData('b')).toEqual(['x']);
  });

  test('the configuration takes effect when the change is applied, not when it is appended', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('b');
    n.isolate('c');
    n.node('a').proposeConfChange(change(ConfChangeType.RemoveNode, 'c'));
    n.stabilize();
    expect(confOf(n, 'a').voters).toEqual(['a', 'b', 'c']);
    n.heal();
    n.tick('a');
    n.stabilize();
    expect(confOf(n, 'a').voters).toEqual(['a', 'b']);
  });

  test('a learner receives the log but never campaigns', () => {
    const n = new Network(['a', 'b', 'c'], {}, ['d']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    expect(n.appliedData('d')).toEqual(['x']);
    n.isolate('a');
    n.isolate('b');
    n.isolate('c');
    n.tick('d', 200);
    n.stabilize();
    expect(n.node('d').status().softState.state).toBe(StateType.Follower);
    expect(n.sentOf(MessageType.Vote, { from: 'd' })).toEqual([]);
    expect(n.sentOf(MessageType.Vote, { to: 'd' })).toEqual([]);
  });

  test('adding a learner, then adding it as a voter, promotes it', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.add('d', confOf(n, 'a'));
    n.node('a').proposeConfChange(change(ConfChangeType.AddLearnerNode, 'd'));
    n.stabilize();
    expect(confOf(n, 'd')).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });
    n.node('a').proposeConfChange(change(ConfChangeType.AddNode, 'd'));
    n.stabilize();
    expect(confOf(n, 'd')).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    expect(n.node('a').status().progress!['d']).toMatchObject({ match: commitOf(n, 'a') });
  });

  test('only one configuration change may be pending at a time', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').proposeConfChange(change(ConfChangeType.AddLearnerNode, 'd'));
    expect(() => n.node('a').proposeConfChange(change(ConfChangeType.AddLearnerNode, 'e'))).toThrow(ProposalDroppedError);
    expect(() => n.node('a').proposeConfChange(change(ConfChangeType.AddLearnerNode, 'e'))).toThrow(/already pending/);
    n.stabilize();
    n.node('a').proposeConfChange(change(ConfChangeType.AddLearnerNode, 'e'));
    n.stabilize();
    expect(confOf(n, 'a').learners).toEqual(['d', 'e']);
  });

  test('a leader that applies its own removal steps down, hands over, and never campaigns again', () => {
    const n = new Network(['a', 'b', 'c'], { preVote: true, checkQuorum: true });
    n.elect('a');
    n.node('a').proposeConfChange(change(ConfChangeType.RemoveNode, 'a'));
    n.stabilize();
    expect(n.node('a').status().softState.state).toBe(StateType.Follower);
    expect(n.leaders()).toHaveLength(1);
    expect(['b', 'c']).toContain(n.leaders()[0]);
    expect(confOf(n, 'b').voters).toEqual(['b', 'c']);
    const campaignsOfA = () => n.sentOf(MessageType.PreVote, { from: 'a' }).length + n.sentOf(MessageType.Vote, { from: 'a' }).length;
    const before = campaignsOfA();
    n.isolate('a');
    settle(n);
    expect(campaignsOfA()).toBe(before);
    expect(n.node('a').status().softState.state).toBe(StateType.Follower);
  });

  test('a member not in the configuration never campaigns', () => {
    const n = new Network(['a', 'b', 'c']);
    n.add('x', { voters: ['a', 'b', 'c'], learners: [] });
    n.node('x').campaign();
    n.tick('x', 100);
    expect(n.processReady('x')).toBeUndefined();
    expect(n.node('x').status().softState.state).toBe(StateType.Follower);
  });

  test('removing the last voter is refused', () => {
    const n = new Network(['a']);
    n.elect('a');
    expect(() => n.node('a').proposeConfChange(change(ConfChangeType.RemoveNode, 'a'))).toThrow(/would leave no voters/);
  });
});
