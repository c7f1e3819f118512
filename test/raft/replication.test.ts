import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { MessageType } from '../../raft/types.js';
import { entriesWithTerms, termsOf } from './support/entries.js';
import { Network, bytes } from './support/network.js';

const termsIn = (n: Network, id: string) => {
  const s = n.peer(id).storage;
  return termsOf(s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity));
};
const progressOf = (n: Network, leader: string, id: string) => n.node(leader).status().progress![id]!;

describe('log replication (§5.3)', () => {
  test('a follower rejects an append whose previous term does not match, hinting where its log may agree', () => {
    const n = new Network(['a', 'b']);
    n.preload('b', entriesWithTerms([1, 1]), 1);
    n.node('b').step(message({ type: MessageType.App, from: 'a', to: 'b', term: 2, index: 2, logTerm: 2, entries: entriesWithTerms([2], 3) }));
    const [resp] = n.processReady('b')!.messages;
    expect(resp).toMatchObject({ type: MessageType.AppResp, reject: true, index: 2, rejectHint: 2, logTerm: 1 });
    expect(termsIn(n, 'b')).toEqual([1, 1]);
  });

  test('a follower truncates a conflicting suffix and takes the leader entries', () => {
    const n = new Network(['a', 'b']);
    n.preload('b', entriesWithTerms([1, 1, 1]), 1);
    n.node('b').step(message({ type: MessageType.App, from: 'a', to: 'b', term: 2, index: 1, logTerm: 1, entries: entriesWithTerms([2], 2) }));
    const rd = n.processReady('b')!;
    expect(rd.messages[0]).toMatchObject({ type: MessageType.AppResp, reject: false, index: 2 });
    expect(termsIn(n, 'b')).toEqual([1, 2]);
  });

  test('after an election every follower ends with the leader log (log matching)', () => {
    const n = new Network(['a', 'b', 'c']);
    n.preload('a', entriesWithTerms([1, 1, 2, 3]), 3);
    n.preload('b', entriesWithTerms([1, 1, 2, 2, 2, 2]), 3);
    n.preload('c', entriesWithTerms([1, 1]), 3);
    n.elect('a');
    expect(n.leaders()).toEqual(['a']);
    for (const id of ['b', 'c']) expect(termsIn(n, id)).toEqual([1, 1, 2, 3, 4]);
  });

  test('a follower diverging over several terms costs one rejection for the whole conflict, not one per entry', () => {
    const n = new Network(['a', 'b', 'c']);
    n.preload('a', entriesWithTerms([1, 1, 1, 4, 4, 4, 4]), 4);
    n.preload('b', entriesWithTerms([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]), 4);
    n.preload('c', entriesWithTerms([1, 1, 1, 4, 4, 4, 4]), 4);
    n.elect('a');
    const rejections = n.deliveredOf(MessageType.AppResp, { from: 'b' }).filter((m) => m.reject);
    expect(rejections).toHaveLength(1);
    expect(termsIn(n, 'b')).toEqual([1, 1, 1, 4, 4, 4, 4, 5]);
  });

  test('a follower far behind is found with one rejection for a leader log of many terms', () => {
    const n = new Network(['a', 'b', 'c']);
    n.preload('a', entriesWithTerms([1, 2, 2, 3, 3, 4, 4]), 4);
    n.preload('b', entriesWithTerms([1, 1, 1, 1, 1, 1, 1, 1, 1]), 4);
    n.preload('c', entriesWithTerms([1, 2, 2, 3, 3, 4, 4]), 4);
    n.elect('a');
    expect(n.deliveredOf(MessageType.AppResp, { from: 'b' }).filter((m) => m.reject)).toHaveLength(1);
    expect(termsIn(n, 'b')).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
  });

  test('a replicating follower gets pipelined appends up to the inflight window, next advancing optimistically', () => {
    const n = new Network(['a', 'b', 'c'], { maxInflightMsgs: 2 });
    n.elect('a');
    // One Ready per proposal, so that each would go out as an App of its own.
    const toB: number[] = [];
    for (let i = 0; i < 5; i++) {
      n.node('a').propose(bytes(`p${i}`));
      for (const m of n.processReady('a')!.messages) if (m.type === MessageType.App && m.to === 'b') toB.push(m.entries.length);
    }
    expect(toB).toEqual([1, 1]);
    expect(progressOf(n, 'a', 'b')).toMatchObject({ state: 'replicate', match: 1, next: 4 });
    n.stabilize();
    expect(n.appliedData('b')).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  test('proposals made before the next Ready go to each follower in one append', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    for (let i = 0; i < 5; i++) n.node('a').propose(bytes(`p${i}`));
    const toB = n.processReady('a')!.messages.filter((m) => m.type === MessageType.App && m.to === 'b');
    expect(toB.map((m) => m.entries.length)).toEqual([5]);
    n.stabilize();
    expect(n.appliedData('b')).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  test('a follower that fell behind receives the missing proposals batched into one append', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').reportUnreachable('b');
    for (let i = 0; i < 10; i++) n.node('a').propose(bytes(`p${i}`));
    n.stabilize();
    const appsToB = n.deliveredOf(MessageType.App, { to: 'b' }).filter((m) => m.entries.length > 0);
    // The probe App leaves with the Ready after all ten proposals, so it carries all of them.
    expect(appsToB.map((m) => m.entries.length).slice(-2)).toEqual([1, 10]);
    expect(n.appliedData('b')).toHaveLength(10);
  });

  test('an append never carries more than maxSizePerMsg bytes of entries (but at least one entry)', () => {
    const n = new Network(['a', 'b', 'c'], { maxSizePerMsg: 10 });
    n.elect('a');
    n.node('a').reportUnreachable('b');
    for (let i = 0; i < 7; i++) n.node('a').propose(bytes('four'));
    n.node('a').propose(bytes('a large entry'));
    n.stabilize();
    const sizes = n.deliveredOf(MessageType.App, { to: 'b' }).map((m) => m.entries.length).filter((len) => len > 0);
    expect(sizes.slice(-5)).toEqual([2, 2, 2, 1, 1]);
    expect(n.appliedData('b')).toHaveLength(8);
  });

  test('a probed follower gets one append per heartbeat interval until it answers', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').reportUnreachable('b');
    n.cut('a', 'b');
    const appsToB = () => n.sentOf(MessageType.App, { to: 'b' }).length;
    const before = appsToB();
    for (let i = 0; i < 3; i++) n.node('a').propose(bytes(`p${i}`));
    n.stabilize();
    expect(appsToB()).toBe(before + 1);
    for (let i = 0; i < 5; i++) {
      n.tick('a'); // heartbeats go out but no answer comes back
      n.stabilize();
    }
    expect(appsToB()).toBe(before + 1);
    n.heal();
    n.tick('a');
    n.stabilize();
    expect(appsToB()).toBeGreaterThan(before + 1);
    expect(n.appliedData('b')).toEqual(['p0', 'p1', 'p2']);
  });

  test('heartbeats carry min(match, commit) so a follower never commits entries it may lack', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('c');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.heal();
    n.tick('a');
    const heartbeats = n.processReady('a')!.messages.filter((m) => m.type === MessageType.Heartbeat);
    expect(heartbeats.map((m) => [m.to, m.commit])).toEqual([
      ['b', 2],
      ['c', 1],
    ]);
  });

  test('an unreachable report moves a replicating follower back to probe', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    expect(progressOf(n, 'a', 'b').state).toBe('replicate');
    n.node('a').reportUnreachable('b');
    expect(progressOf(n, 'a', 'b').state).toBe('probe');
  });

  test('a follower answers an append below its commit index with its commit index', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.node('b').step(message({ type: MessageType.App, from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, entries: entriesWithTerms([1]) }));
    expect(n.processReady('b')!.messages).toEqual([expect.objectContaining({ type: MessageType.AppResp, reject: false, index: 2 })]);
  });
});
