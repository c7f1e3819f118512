import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { EntryType, MessageType, ProposalDroppedError } from '../../raft/types.js';
import { Network, bytes } from './support/network.js';

describe('proposals', () => {
  test('a proposal fails at once when no leader is known', () => {
    const n = new Network(['a', 'b', 'c']);
    expect(() => n.node('a').propose(bytes('x'))).toThrow(ProposalDroppedError);
    expect(() => n.node('a').propose(bytes('x'))).toThrow(/no leader/);
  });

  test('a candidate refuses proposals', () => {
    const n = new Network(['a', 'b', 'c']);
    n.node('a').campaign();
    expect(() => n.node('a').propose(bytes('x'))).toThrow(/no leader/);
  });

  test('a follower forwards a proposal to its leader and it is applied everywhere', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('c').propose(bytes('from c'));
    const forwarded = n.processReady('c')!.messages;
    expect(forwarded).toEqual([expect.objectContaining({ type: MessageType.Prop, from: 'c', to: 'a', term: 0 })]);
    n.stabilize();
    for (const id of ['a', 'b', 'c']) expect(n.appliedData(id)).toEqual(['from c']);
  });

  test('a leader silently drops a forwarded proposal it cannot take', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('b');
    n.node('a').transferLeader('b');
    const lastIndex = n.peer('a').storage.lastIndex();
    const forwarded = message({ type: MessageType.Prop, from: 'c', to: 'a', entries: [{ term: 0, index: 0, type: EntryType.Normal, data: bytes('x') }] });
    expect(() => n.node('a').step(forwarded)).not.toThrow();
    n.stabilize();
    expect(n.peer('a').storage.lastIndex()).toBe(lastIndex);
  });

  test('proposals made between Readies are appended together in one Ready', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    for (let i = 0; i < 5; i++) n.node('a').propose(bytes(`p${i}`));
    const rd = n.processReady('a')!;
    expect(rd.entries.map((e) => e.index)).toEqual([2, 3, 4, 5, 6]);
    expect(rd.mustSync).toBe(true);
  });
});
