import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { ConfChangeType, MessageType } from '../../raft/types.js';
import { Network, bytes, text } from './support/network.js';

/** A leader `a` whose log was compacted through index 6 while `c` was cut off at index 1. */
function compactedWhileCIsAway(): Network {
  const n = new Network(['a', 'b', 'c']);
  n.elect('a');
  n.isolate('c');
  for (let i = 0; i < 5; i++) n.node('a').propose(bytes(`p${i}`));
  n.stabilize();
  const a = n.peer('a');
  a.storage.createSnapshot(6, n.node('a').status().confState, bytes('state@6'));
  a.storage.compact(6);
  n.heal();
  return n;
}

const progressOf = (n: Network, id: string) => n.node('a').status().progress![id]!;

describe('log compaction and snapshots (§7)', () => {
  test('a leader sends a snapshot to a follower that needs compacted entries, then resumes from the log', () => {
    const n = compactedWhileCIsAway();
    n.tick('a');
    n.stabilize();
    const snaps = n.deliveredOf(MessageType.Snap, { to: 'c' });
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.snapshot!.metadata.index).toBe(6);
    expect(progressOf(n, 'c')).toMatchObject({ state: 'replicate', match: 6 });
    n.node('a').propose(bytes('after'));
    n.stabilize();
    expect(n.appliedData('c')).toEqual(['after']);
    expect(n.peer('c').storage.lastIndex()).toBe(7);
  });

  test('a follower installs a snapshot ahead of its commit index through Ready.snapshot', () => {
    const n = compactedWhileCIsAway();
    n.tick('a');
    while (n.deliveredOf(MessageType.Snap).length === 0) {
      for (const id of ['a', 'b', 'c']) n.processReady(id);
      n.deliver();
    }
    const rd = n.processReady('c')!;
    expect(rd.snapshot?.metadata.index).toBe(6);
    expect(text(rd.snapshot!.data)).toBe('state@6');
    expect(rd.hardState?.commit).toBe(6);
    expect(rd.committedEntries).toEqual([]);
    expect(rd.messages).toEqual([expect.objectContaining({ type: MessageType.AppResp, to: 'a', index: 6, reject: false })]);
    expect(n.node('c').status().applied).toBe(6);
    expect(n.peer('c').storage.firstIndex()).toBe(7);
  });

  test('a follower ignores a snapshot that is not ahead of its commit index', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    const stale = { metadata: { index: 1, term: 1, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data: bytes('old') };
    n.node('b').step(message({ type: MessageType.Snap, from: 'a', to: 'b', term: 1, snapshot: stale }));
    const rd = n.processReady('b')!;
    expect(rd.snapshot).toBeUndefined();
    expect(rd.messages).toEqual([expect.objectContaining({ type: MessageType.AppResp, index: 2 })]);
    expect(n.peer('b').storage.lastIndex()).toBe(2);
  });

  test('a follower waits in snapshot state, with no appends sent, until the snapshot is reported', () => {
    const n = compactedWhileCIsAway();
    n.drop((m) => m.type === MessageType.Snap);
    n.tick('a');
    n.stabilize();
    expect(progressOf(n, 'c')).toMatchObject({ state: 'snapshot' });
    const appsBefore = n.sentOf(MessageType.App, { to: 'c' }).length;
    n.node('a').propose(bytes('more'));
    n.tick('a');
    n.stabilize();
    expect(n.sentOf(MessageType.App, { to: 'c' }).length).toBe(appsBefore);
    n.node('a').reportSnapshot('c', false);
    expect(progressOf(n, 'c')).toMatchObject({ state: 'probe' });
  });

  test('a failed snapshot is sent again after the next heartbeat response', () => {
    const n = compactedWhileCIsAway();
    let dropSnap = true;
    n.drop((m) => m.type === MessageType.Snap && dropSnap);
    n.tick('a');
    n.stabilize();
    n.node('a').reportSnapshot('c', false);
    dropSnap = false;
    n.tick('a');
    n.stabilize();
    expect(n.sentOf(MessageType.Snap, { to: 'c' })).toHaveLength(2);
    expect(progressOf(n, 'c')).toMatchObject({ state: 'replicate', match: 6 });
  });

  test('a member restarted from a snapshot keeps its state and continues from it', () => {
    const n = compactedWhileCIsAway();
    n.tick('a');
    n.stabilize();
    const c = n.restart('c');
    expect(c.node.status()).toMatchObject({ commit: 6, applied: 6, hardState: { term: 1 } });
    n.node('a').propose(bytes('after restart'));
    n.stabilize();
    expect(n.appliedData('c')).toEqual(['after restart']);
  });

  test('a member added after the latest snapshot installs it, though it does not list the member, and joins from the log', () => {
    const n = compactedWhileCIsAway();
    n.stabilize();
    n.add('d', { voters: ['a', 'b', 'c'], learners: [] });
    n.node('a').proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 'd', context: new Uint8Array() });
    n.tick('a');
    n.stabilize();
    const toD = n.deliveredOf(MessageType.Snap, { to: 'd' });
    expect(toD).toHaveLength(1);
    expect(toD[0]!.snapshot!.metadata.confState.voters).toEqual(['a', 'b', 'c']);
    expect(n.node('d').status().confState.voters).toEqual(['a', 'b', 'c', 'd']);
    n.node('a').propose(bytes('with d'));
    n.stabilize();
    expect(n.appliedData('d')).toEqual(['with d']);
  });
});
