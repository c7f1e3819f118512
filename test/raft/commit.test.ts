import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { MessageType } from '../../raft/types.js';
import { entriesWithTerms } from './support/entries.js';
import { Network, bytes } from './support/network.js';

const commitOf = (n: Network, id: string) => n.node(id).status().commit;

describe('commitment (§5.3, §5.4.2)', () => {
  test('an entry commits once a majority of voters has it, and not before', () => {
    const n = new Network(['a', 'b', 'c', 'd', 'e']);
    n.elect('a');
    n.isolate('d');
    n.isolate('e');
    n.node('a').propose(bytes('three of five'));
    n.stabilize();
    expect(commitOf(n, 'a')).toBe(2);
    n.isolate('c');
    n.node('a').propose(bytes('two of five'));
    n.stabilize();
    expect(commitOf(n, 'a')).toBe(2);
    n.heal();
    n.tick('a');
    n.stabilize();
    expect(commitOf(n, 'a')).toBe(3);
  });

  test('a leader does not commit an entry of an earlier term by counting its replicas (figure 8)', () => {
    const n = new Network(['s1', 's2', 's3', 's4', 's5']);
    n.preload('s1', entriesWithTerms([1, 2]), 4);
    n.preload('s2', entriesWithTerms([1, 2]), 4);
    for (const id of ['s3', 's4', 's5']) n.preload(id, entriesWithTerms([1]), 4);
    n.drop((m) => m.type === MessageType.App);
    n.elect('s1');
    expect(n.leaders()).toEqual(['s1']);
    const s1 = n.node('s1');
    const ack = (from: string, index: number) => s1.step(message({ type: MessageType.AppResp, from, to: 's1', term: 5, index }));
    // Entry 2 (term 2) is on s1, s2, s3: a majority, yet it must not commit by itself.
    ack('s2', 2);
    ack('s3', 2);
    expect(commitOf(n, 's1')).toBe(0);
    // Once the leader's own entry 3 (term 5) is on a majority, it commits, and entry 2 with it.
    ack('s2', 3);
    ack('s3', 3);
    expect(commitOf(n, 's1')).toBe(3);
  });

  test('learners receive the log but never count toward commit', () => {
    const n = new Network(['a', 'b', 'c'], {}, ['d', 'e']);
    n.elect('a');
    n.isolate('b');
    n.isolate('c');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    expect(n.peer('d').storage.lastIndex()).toBe(2);
    expect(n.peer('e').storage.lastIndex()).toBe(2);
    expect(commitOf(n, 'a')).toBe(1);
  });

  test('every member applies the same entries in the same order', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    for (let i = 0; i < 20; i++) n.node(['a', 'b', 'c'][i % 3]!).propose(bytes(`w${i}`));
    n.stabilize();
    const applied = n.appliedData('a');
    expect(applied).toHaveLength(20);
    expect(n.appliedData('b')).toEqual(applied);
    expect(n.appliedData('c')).toEqual(applied);
  });
});
