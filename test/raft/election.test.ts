import { describe, expect, test } from 'vitest';
import { message } from '../../raft/messages.js';
import { EntryType, MessageType, StateType } from '../../raft/types.js';
import { entriesWithTerms } from './support/entries.js';
import { Network, bytes } from './support/network.js';

const state = (n: Network, id: string) => n.node(id).status().softState.state;
const term = (n: Network, id: string) => n.node(id).status().hardState.term;

describe('leader election (§5.2)', () => {
  test('a follower campaigns after a randomized election timeout in [electionTick, 2*electionTick)', () => {
    const timeouts = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const n = new Network(['a', 'b', 'c'], { seed, electionTick: 10 });
      let ticks = 0;
      while (state(n, 'a') === StateType.Follower) {
        n.tick('a');
        ticks++;
      }
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
      timeouts.add(ticks);
    }
    expect(timeouts.size).toBeGreaterThan(3);
  });

  test('a candidate that gains a majority becomes leader and at once appends an empty entry of its term', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    expect(n.leaders()).toEqual(['a']);
    for (const id of ['a', 'b', 'c']) {
      expect(n.peer(id).storage.entries(1, 2, Infinity)).toEqual([{ term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array() }]);
      expect(n.node(id).status().commit).toBe(1);
    }
  });

  test('a single member elects itself at once', () => {
    const n = new Network(['a']);
    n.elect('a');
    expect(n.leaders()).toEqual(['a']);
    expect(n.node('a').status().commit).toBe(1);
  });

  test('a vote is persisted in the hard state of the same Ready that carries the response', () => {
    const n = new Network(['a', 'b', 'c']);
    n.node('a').campaign();
    n.processReady('a');
    n.deliver();
    const rd = n.processReady('b')!;
    expect(rd.hardState).toEqual({ term: 1, vote: 'a', commit: 0 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages).toEqual([expect.objectContaining({ type: MessageType.VoteResp, to: 'a', term: 1, reject: false })]);
  });

  test('a member grants at most one vote per term', () => {
    const n = new Network(['a', 'b', 'c']);
    n.node('a').campaign();
    n.node('c').campaign();
    n.processReady('a');
    n.processReady('c');
    n.drop((m) => m.to !== 'b');
    n.deliver();
    const answers = n.processReady('b')!.messages;
    expect(answers.map((m) => [m.to, m.reject])).toEqual([
      ['a', false],
      ['c', true],
    ]);
    expect(n.node('b').status().hardState.vote).toBe('a');
  });

  test('a voter rejects a candidate whose log is less up to date (§5.4.1)', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.isolate('c');
    n.node('a').propose(bytes('x'));
    n.stabilize();
    n.heal();
    n.node('c').campaign();
    n.stabilize();
    expect(n.deliveredOf(MessageType.VoteResp, { to: 'c' }).map((m) => m.reject)).toEqual([true, true]);
    expect(state(n, 'c')).toBe(StateType.Follower);
  });

  test('a longer log from an older term is less up to date than a shorter one from a newer term', () => {
    const n = new Network(['a', 'b', 'c']);
    n.preload('a', entriesWithTerms([1, 1, 1, 1]), 3);
    n.preload('b', entriesWithTerms([1, 3]), 3);
    n.preload('c', entriesWithTerms([1, 3]), 3);
    n.elect('a');
    expect(n.deliveredOf(MessageType.VoteResp, { from: 'b' })[0]!.reject).toBe(true);
    expect(n.leaders()).toEqual([]);
    n.elect('b');
    expect(n.leaders()).toEqual(['b']);
  });

  test('a split vote is resolved by the next, randomized, election timeout', () => {
    const n = new Network(['a', 'b', 'c', 'd']);
    n.node('a').campaign();
    n.node('c').campaign();
    n.drop((m) => m.type === MessageType.Vote && ((m.from === 'a' && m.to === 'd') || (m.from === 'c' && m.to === 'b')));
    n.stabilize();
    expect([state(n, 'a'), state(n, 'c')]).toEqual([StateType.Candidate, StateType.Candidate]);
    expect(n.leaders()).toEqual([]);
    n.heal();
    for (let i = 0; i < 40 && n.leaders().length === 0; i++) {
      n.tickAll();
      n.stabilize();
    }
    expect(n.leaders()).toHaveLength(1);
    expect(term(n, n.leaders()[0]!)).toBe(2);
  });

  test('a candidate that hears from a leader of its term becomes its follower', () => {
    const n = new Network(['a', 'b', 'c']);
    n.node('b').campaign();
    n.processReady('b');
    n.queue = [];
    n.node('b').step(message({ type: MessageType.App, from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, commit: 0 }));
    expect(n.node('b').status().softState).toEqual({ lead: 'a', state: StateType.Follower });
  });

  test('a leader that sees a higher term becomes a follower', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.node('a').step(message({ type: MessageType.AppResp, from: 'b', to: 'a', term: 5, index: 1 }));
    expect(n.node('a').status().softState).toEqual({ lead: '', state: StateType.Follower });
    expect(term(n, 'a')).toBe(5);
  });

  test('an append from a stale term is ignored', () => {
    const n = new Network(['a', 'b', 'c']);
    n.elect('a');
    n.elect('b');
    n.node('c').step(message({ type: MessageType.App, from: 'a', to: 'c', term: 1, index: 1, logTerm: 1, entries: entriesWithTerms([1], 2), commit: 2 }));
    expect(n.processReady('c')).toBeUndefined();
    expect(n.node('c').status()).toMatchObject({ hardState: { term: 2 }, softState: { lead: 'b' }, commit: 2 });
  });
});
