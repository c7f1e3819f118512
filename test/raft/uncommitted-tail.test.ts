import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { EntryType, MessageType, ProposalDroppedError } from '../../raft/types.js';
import { Network, bytes } from './support/network.js';

const LIMIT = 100;
const payload = (size: number, tag = 'x'): Uint8Array => bytes(tag.repeat(size));

/** A leader 'a' of three whose followers cannot be reached: nothing it appends commits. */
function cutOffLeader(): Network {
  const n = new Network(['a', 'b', 'c'], { maxUncommittedEntriesSize: LIMIT });
  n.elect('a');
  n.isolate('a');
  return n;
}

describe('a bound on the leader’s uncommitted entries', () => {
  test('refuses a proposal that would take the uncommitted data past the bound, and takes one that fits', () => {
    const n = cutOffLeader();
    n.node('a').propose(payload(60));
    n.node('a').propose(payload(40));
    expect(() => n.node('a').propose(payload(1))).toThrow(ProposalDroppedError);
    expect(() => n.node('a').propose(payload(1))).toThrow(/100 bytes of entries are already waiting to be committed/);
    n.stabilize();
    expect(n.peer('a').storage.lastIndex()).toBe(3);
  });

  test('always takes one proposal when nothing is uncommitted, however large', () => {
    const n = cutOffLeader();
    n.node('a').propose(payload(5 * LIMIT));
    expect(() => n.node('a').propose(payload(1))).toThrow(ProposalDroppedError);
  });

  test('silently drops a forwarded proposal past the bound', () => {
    const n = cutOffLeader();
    n.node('a').propose(payload(LIMIT));
    const lastIndex = n.peer('a').storage.lastIndex();
    const forwarded = message({ type: MessageType.Prop, from: 'c', to: 'a', entries: [{ term: 0, index: 0, type: EntryType.Normal, data: payload(1) }] });
    expect(() => n.node('a').step(forwarded)).not.toThrow();
    expect(n.peer('a').storage.lastIndex()).toBe(lastIndex);
  });

  test('makes room again as entries commit', () => {
    const n = new Network(['a', 'b', 'c'], { maxUncommittedEntriesSize: LIMIT });
    n.elect('a');
    for (let round = 0; round < 5; round++) {
      n.node('a').propose(payload(LIMIT, String(round)));
      expect(() => n.node('a').propose(payload(1))).toThrow(ProposalDroppedError);
      n.stabilize();
    }
    expect(n.appliedData('b')).toEqual(['0', '1', '2', '3', '4'].map((t) => t.repeat(LIMIT)));
  });

  test('a leader elected again starts with nothing counted, though its old uncommitted tail was overwritten', () => {
    const n = cutOffLeader();
    n.node('a').propose(payload(LIMIT));
    n.stabilize();
    n.heal();
    n.elect('b');
    n.elect('a');
    n.isolate('a');
    n.node('a').propose(payload(LIMIT));
    expect(() => n.node('a').propose(payload(1))).toThrow(ProposalDroppedError);
  });

  test('without a bound, a leader that cannot commit takes every proposal', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('a');
    for (let i = 0; i < 50; i++) n.node('a').propose(payload(1000));
    n.stabilize();
    expect(n.peer('a').storage.lastIndex()).toBe(51);
  });
});
