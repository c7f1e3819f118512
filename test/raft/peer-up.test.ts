// The transport (re)connected to a peer: a leader sends that peer a heartbeat at once, so a member
// that just restarted learns who leads without waiting for the next heartbeat round.
import { describe, expect, test } from 'vitest';
import { MessageType, StateType } from '../../raft/types.js';
import { Network } from './support/network.js';

const options = { preVote: true, checkQuorum: true, electionTick: 10, heartbeatTick: 5 };

describe('a peer reported up', () => {
  test('a restarted follower knows its leader as soon as the leader hears it is up, without a tick', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.restart('b');
    n.stabilize();
    expect(n.node('b').status().softState.lead).toBe('');
    n.node('a').reportPeerUp('b');
    n.stabilize();
    expect(n.node('b').status().softState).toEqual({ lead: 'a', state: StateType.Follower });
    const beat = n.deliveredOf(MessageType.Heartbeat, { from: 'a', to: 'b' }).at(-1)!;
    // Never a commit past what b is known to hold.
    expect(beat.commit).toBeLessThanOrEqual(n.node('a').status().progress!['b']!.match);
  });

  test('a follower or a candidate told that a peer is up does nothing', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    n.node('b').reportPeerUp('a');
    expect(n.node('b').hasReady()).toBe(false);
    n.isolate('c');
    n.node('c').campaign();
    n.processReady('c');
    n.node('c').reportPeerUp('a');
    expect(n.node('c').hasReady()).toBe(false);
  });

  test('from the network it is refused: only the local transport may report it', () => {
    const n = new Network(['a', 'b', 'c'], options);
    n.elect('a');
    expect(() => n.node('a').step({ type: MessageType.PeerUp, from: 'b', to: 'a', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 })).toThrow();
  });
});
