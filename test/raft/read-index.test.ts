import { describe, expect, test } from 'vitest';
import { MessageType, ProposalDroppedError } from '../../raft/types.js';
import { Network, bytes, text } from './support/network.js';

const readsOf = (n: Network, id: string) => n.peer(id).readStates.map((rs) => [text(rs.requestCtx), rs.index]);

describe('linearizable reads with ReadIndex (thesis §6.4)', () => {
  test('a single-member leader answers a read at once with its commit index', () => {
    const n = new Network(['a']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.node('a').readIndex(bytes('r1'));
    const rd = n.processReady('a')!;
    expect(rd.readStates.map((rs) => [text(rs.requestCtx), rs.index])).toEqual([['r1', 2]]);
    expect(rd.messages).toEqual([]);
  });

  test('a leader confirms its leadership with a heartbeat round before answering', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').readIndex(bytes('r1'));
    const rd = n.processReady('a')!;
    expect(rd.readStates).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.to, text(m.context!)])).toEqual([
      [MessageType.Heartbeat, 'b', 'r1'],
      [MessageType.Heartbeat, 'c', 'r1'],
    ]);
    n.stabilize();
    expect(readsOf(n, 'a')).toEqual([['r1', 1]]);
  });

  test('one heartbeat round serves every read queued at that moment', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    const heartbeatsBefore = n.sentOf(MessageType.Heartbeat).length;
    for (const ctx of ['r1', 'r2', 'r3']) n.node('a').readIndex(bytes(ctx));
    n.stabilize();
    expect(n.sentOf(MessageType.Heartbeat).length - heartbeatsBefore).toBe(2);
    expect(readsOf(n, 'a')).toEqual([
      ['r1', 2],
      ['r2', 2],
      ['r3', 2],
    ]);
  });

  test('a leader refuses reads until it has committed an entry in its term', () => {
    const n = new Network(['a', 'b', 'c']);
    n.drop((m) => m.type === MessageType.App);
    n.elect('a');
    expect(n.leaders()).toEqual(['a']);
    expect(() => n.node('a').readIndex(bytes('early'))).toThrow(ProposalDroppedError);
    expect(() => n.node('a').readIndex(bytes('early'))).toThrow(/not committed an entry in its term/);
    n.heal();
    n.tick('a');
    n.stabilize();
    n.node('a').readIndex(bytes('later'));
    n.stabilize();
    expect(readsOf(n, 'a')).toEqual([['later', 1]]);
  });

  test('a read is not answered while a quorum is unreachable, and is retried with the next heartbeat', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('b');
    n.isolate('c');
    n.node('a').readIndex(bytes('r1'));
    n.stabilize();
    expect(readsOf(n, 'a')).toEqual([]);
    n.heal();
    n.tick('a');
    n.stabilize();
    expect(readsOf(n, 'a')).toEqual([['r1', 1]]);
  });

  test('a follower forwards a read to the leader and turns the answer into a ReadState', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.node('b').readIndex(bytes('from-b'));
    n.stabilize();
    expect(n.deliveredOf(MessageType.ReadIndex, { from: 'b', to: 'a' })).toHaveLength(1);
    expect(n.deliveredOf(MessageType.ReadIndexResp, { from: 'a', to: 'b' })).toHaveLength(1);
    expect(readsOf(n, 'b')).toEqual([['from-b', 2]]);
    expect(readsOf(n, 'a')).toEqual([]);
  });

  test('a follower with no leader refuses a read', () => {
    const n = new Network(['a', 'b', 'c']);
    expect(() => n.node('b').readIndex(bytes('r'))).toThrow(/no leader/);
  });
});
