import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { RawNode } from '../../raft/raw-node.js';
import { MemoryStorage } from '../../raft/memory-storage.js';
import { MessageType, StateType } from '../../raft/types.js';
import { Network, bytes, seededRandom } from './support/network.js';

describe('Ready and advance', () => {
  test('a quiet follower has nothing to do', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.tick('b');
    expect(n.node('b').hasReady()).toBe(false);
  });

  test('soft state appears only when leadership or role changed', () => {
    const n = new Network(['a', 'b', 'c']);
    n.node('a').campaign();
    expect(n.processReady('a')!.softState).toEqual({ lead: '', state: StateType.Candidate });
    n.deliver();
    n.processReady('b');
    n.processReady('c');
    n.deliver();
    expect(n.processReady('a')!.softState).toEqual({ lead: 'a', state: StateType.Leader });
    n.node('a').propose(bytes('x'));
    expect(n.processReady('a')!.softState).toBeUndefined();
  });

  test('a commit-only change is reported in the hard state without requiring a sync', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('b').step(message({ type: MessageType.App, from: 'a', to: 'b', term: 1, index: 1, logTerm: 1, entries: [{ term: 1, index: 2, type: 0, data: bytes('x') }] }));
    expect(n.processReady('b')!.mustSync).toBe(true);
    n.node('b').step(message({ type: MessageType.Heartbeat, from: 'a', to: 'b', term: 1, commit: 2 }));
    const rd = n.processReady('b')!;
    expect(rd.hardState).toEqual({ term: 1, vote: 'a', commit: 2 });
    expect(rd.mustSync).toBe(false);
    expect(rd.committedEntries.map((e) => e.index)).toEqual([2]);
  });

  test('a leader counts its own entry toward commit only once it is persisted, and hands it out once', () => {
    const n = new Network(['a']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    const persist = n.processReady('a')!;
    expect(persist.entries.map((e) => e.index)).toEqual([2]);
    expect(persist.committedEntries).toEqual([]);
    const apply = n.processReady('a')!;
    expect(apply.entries).toEqual([]);
    expect(apply.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(n.node('a').hasReady()).toBe(false);
    expect(n.node('a').status().applied).toBe(2);
  });

  test('a leader commits an entry a majority of followers persisted, without counting its own unfinished write', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.stabilize();
    n.node('a').propose(bytes('x'));
    const rd = n.node('a').ready();
    const entry = rd.entries.at(-1)!;
    expect(n.node('a').status().commit).toBeLessThan(entry.index);
    // The followers persist and acknowledge while the leader's own write is still in flight:
    // one of them and the unflushed leader are not a majority of disks; both of them are.
    for (const m of rd.messages) n.node(m.to).step(m);
    const ack = (id: string): void => {
      for (const m of n.processReady(id)!.messages) n.node('a').step(m);
    };
    ack('b');
    expect(n.node('a').status().commit).toBeLessThan(entry.index);
    ack('c');
    expect(n.node('a').status().commit).toBe(entry.index);
  });

  test('a restarted member restores its term, vote, commit, log and configuration from storage', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    const before = n.node('b').status();
    const b = n.restart('b');
    expect(b.node.status()).toEqual({ ...before, softState: { lead: '', state: StateType.Follower } });
    expect(b.node.hasReady()).toBe(false);
  });

  test('a restarted member re-applies committed entries past the applied index it was given', () => {
    const storage = new MemoryStorage({ voters: ['a'], learners: [] });
    storage.append([1, 2, 3].map((index) => ({ term: 1, index, type: 0, data: bytes(`e${index}`) })));
    storage.setHardState({ term: 1, vote: 'a', commit: 3 });
    const node = new RawNode({ id: 'a', storage, electionTick: 10, heartbeatTick: 1, random: seededRandom(1), applied: 1 });
    expect(node.ready().committedEntries.map((e) => e.index)).toEqual([2, 3]);
  });

  test('advance refuses a Ready that would apply past the commit index', () => {
    const n = new Network(['a', 'b', 'c']);
    const rd = { readStates: [], entries: [], messages: [], mustSync: false, committedEntries: [{ term: 1, index: 5, type: 0 as const, data: bytes('') }] };
    expect(() => n.node('a').advance(rd)).toThrow(/invariant violated: applied 5 would pass commit 0/);
  });

  test('a stored commit index past the end of the log is refused at start-up', () => {
    const storage = new MemoryStorage({ voters: ['a'], learners: [] });
    storage.setHardState({ term: 1, vote: '', commit: 4 });
    expect(() => new RawNode({ id: 'a', storage, electionTick: 10, heartbeatTick: 1, random: seededRandom(1) })).toThrow(/stored commit 4/);
  });

  test('a local-only message type arriving from a peer is refused', () => {
    const n = new Network(['a', 'b']);
    expect(() => n.node('a').step(message({ type: MessageType.Hup, from: 'b', to: 'a' }))).toThrow(/local/);
  });

  test('a response from a member outside the configuration is ignored', () => {
    const n = new Network(['a', 'b']);
    n.elect('a');
    n.node('a').step(message({ type: MessageType.AppResp, from: 'z', to: 'a', term: 9, index: 1 }));
    expect(n.node('a').status().hardState.term).toBe(1);
  });
});
