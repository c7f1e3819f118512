// A request committed more than once (its proposer offered it again to a new leader) takes
// effect once, on every member alike: the state machine's record of applied requests.
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ConfChangeType, EntryType } from '../../raft/index.js';
import type { Entry } from '../../raft/index.js';
import { encodeCommand } from '../../src/server/commands.js';
import type { AwaitedCommand } from '../../src/server/commands.js';
import { encodeMemberContext } from '../../src/server/membership.js';
import type { RequestId } from '../../src/server/request-id.js';
import { StateMachine } from '../../src/server/state-machine.js';
import type { ApplyOutcome } from '../../src/server/state-machine.js';
import type { V2Request } from '../../src/store/types.js';

const ids = ['m1', 'm2', 'm3'];
const founders = { members: ids.map((id) => ({ id, name: id, peerURLs: [`http://${id}:2380`], clientURLs: [] })), removed: [] };
const TIMEOUT = { errorCode: 300, cause: 'etcdserver: request timed out' };

/** A state machine of member `self`, with the outcomes its own requests were answered with. */
function member(self: string): { sm: StateMachine; answers: [number, ApplyOutcome | undefined][] } {
  const answers: [number, ApplyOutcome | undefined][] = [];
  const sm = new StateMachine(self, founders, {
    onOwnApplied: (id, outcome) => answers.push([id.seq, outcome]),
    onMembershipChanged: () => undefined,
    onRestored: () => undefined,
  });
  return { sm, answers };
}

class Log {
  readonly entries: Entry[] = [];

  add(cmd: AwaitedCommand): Entry {
    const entry = { index: this.entries.length + 1, term: 1, type: EntryType.Normal, data: encodeCommand(cmd) };
    this.entries.push(entry);
    return entry;
  }

  /** The same bytes again, later in the log (a copy offered to a new leader). */
  copy(entry: Entry): Entry {
    const again = { ...entry, index: this.entries.length + 1 };
    this.entries.push(again);
    return again;
  }

  applyTo(sm: StateMachine, from = 1): void {
    for (const e of this.entries.slice(from - 1)) sm.applyEntry(e);
  }
}

const id = (seq: number, low = seq, from = 'm1', run = 77): RequestId => ({ from, run, seq, low });
const v2 = (rid: RequestId, req: Omit<V2Request, 'time'>): AwaitedCommand => ({ kind: 'v2', ...rid, req: { ...req, time: 0 } });

function children(sm: StateMachine, dir: string): string[] {
  return (sm.store.get(dir, { recursive: true, sorted: true }, 0).node.nodes ?? []).map((n) => n.value!);
}

describe('a request committed twice takes effect once', () => {
  it('an in-order POST creates one key; its proposer is answered by the first application', () => {
    const log = new Log();
    const post = log.add(v2(id(1), { method: 'POST', path: '/queue', val: 'job' }));
    log.add(v2(id(2), { method: 'PUT', path: '/other', val: 'x' }));
    log.copy(post);
    const { sm, answers } = member('m1');
    log.applyTo(sm);
    expect(children(sm, '/queue')).toEqual(['job']);
    const first = answers.find(([seq]) => seq === 1)![1] as { event: { action: string; node: { key: string } } };
    expect(first.event.action).toBe('create');
    // The copy answers only a waiter still waiting (none here, as the proposer already has its answer).
    expect(answers.filter(([seq]) => seq === 1).map(([, o]) => ('error' in o! ? (o.error as { toJSON(): object }).toJSON() : 'event'))).toEqual(['event', expect.objectContaining(TIMEOUT)]);
  });

  it('a compare-and-swap increment applies once: the copy neither swaps again nor fails the compare', () => {
    const log = new Log();
    log.add(v2(id(1, 1, 'm2'), { method: 'PUT', path: '/counter', val: '0' }));
    const cas = log.add(v2(id(1), { method: 'PUT', path: '/counter', val: '1', prevValue: '0' }));
    log.copy(cas);
    log.add(v2(id(2), { method: 'PUT', path: '/counter', val: '2', prevValue: '1' }));
    const { sm, answers } = member('m1');
    log.applyTo(sm);
    expect(sm.store.get('/counter', {}, 0).node.value).toBe('2');
    expect(answers.map(([seq, o]) => [seq, o && 'event' in o ? o.event.action : 'error' in o! ? (o.error as { errorCode: number }).errorCode : o])).toEqual([
      [1, 'compareAndSwap'],
      [1, 300],
      [2, 'compareAndSwap'],
    ]);
    expect(sm.store.index).toBe(6); // three founders' records, the set and two swaps
  });

  it('a copy whose seq is below its run\'s watermark (its proposer had stopped waiting on it) is refused', () => {
    const log = new Log();
    const stuck = log.add(v2(id(1), { method: 'POST', path: '/queue', val: 'late' }));
    log.entries.pop(); // its first copy was lost; the proposer gave up on seq 1 and moved on
    log.add(v2(id(2, 2), { method: 'POST', path: '/queue', val: 'next' }));
    log.copy(stuck);
    const { sm, answers } = member('m1');
    log.applyTo(sm);
    expect(children(sm, '/queue')).toEqual(['next']);
    expect(answers[1]![0]).toBe(1);
    expect((answers[1]![1] as { error: { toJSON(): object } }).error.toJSON()).toMatchObject(TIMEOUT);
  });

  it('requests of another run of the same member, or of another member, with the same seq are not copies', () => {
    const log = new Log();
    log.add(v2(id(1, 1, 'm1', 1), { method: 'POST', path: '/queue', val: 'a' }));
    log.add(v2(id(1, 1, 'm1', 2), { method: 'POST', path: '/queue', val: 'b' }));
    log.add(v2(id(1, 1, 'm2', 1), { method: 'POST', path: '/queue', val: 'c' }));
    const { sm } = member('m3');
    log.applyTo(sm);
    expect(children(sm, '/queue')).toEqual(['a', 'b', 'c']);
  });

  it('entries from before request ids had runs apply each time, as they did', () => {
    const log = new Log();
    const old = log.add({ kind: 'v2', from: 'm1', seq: 5, req: { method: 'POST', path: '/queue', val: 'old', time: 0 } });
    log.copy(old);
    const { sm } = member('m2');
    log.applyTo(sm);
    expect(children(sm, '/queue')).toEqual(['old', 'old']);
    expect(sm.appliedRequests()).toEqual([]);
  });

  it('a membership change committed twice applies once, and its proposer hears the first outcome', () => {
    const { sm, answers } = member('m1');
    const add = { type: ConfChangeType.AddLearnerNode, nodeId: 'm4', context: encodeMemberContext({ name: '', peerURLs: ['http://m4:2380'], proposer: id(1) }) };
    let applied = 0;
    sm.applyConfChange(add, () => (applied++, { voters: ids, learners: ['m4'] }));
    sm.applyConfChange(add, () => (applied++, { voters: ids, learners: ['m4'] }));
    expect(applied).toBe(1);
    expect(answers[0]).toEqual([1, undefined]);
  });

  it('commands of a removed member no longer apply, and its record is dropped', () => {
    const log = new Log();
    log.add(v2(id(1, 1, 'm3'), { method: 'PUT', path: '/a', val: '1' }));
    const { sm } = member('m1');
    log.applyTo(sm);
    expect(sm.appliedRequests().map(([m]) => m)).toEqual(['m3']);
    sm.applyConfChange({ type: ConfChangeType.RemoveNode, nodeId: 'm3', context: new Uint8Array() }, () => ({ voters: ['m1', 'm2'], learners: [] }));
    expect(sm.appliedRequests()).toEqual([]);
    log.add(v2(id(2, 2, 'm3'), { method: 'PUT', path: '/a', val: '2' }));
    log.applyTo(sm, 2);
    expect(sm.store.get('/a', {}, 0).node.value).toBe('1');
  });
});

describe('the record of applied requests is replicated state', () => {
  /** A history with copies, a stale copy, several members and runs. */
  function history(): Log {
    const log = new Log();
    for (let seq = 1; seq <= 30; seq++) {
      const e = log.add(v2(id(seq, Math.max(1, seq - 3), `m${(seq % 3) + 1}`, 10 + (seq % 2)), { method: 'POST', path: '/queue', val: `v${seq}` }));
      if (seq % 4 === 0) log.copy(e);
    }
    return log;
  }

  it('a member restored from a snapshot holds the same record and refuses the same copies as one that applied the log', () => {
    const log = history();
    const applied = member('m1').sm;
    log.applyTo(applied);
    const restored = member('m2').sm;
    restored.restoreSnapshot({ data: applied.snapshotData(), metadata: { index: log.entries.length, term: 1, confState: { voters: ids, learners: [] } } });
    expect(restored.appliedRequests()).toEqual(applied.appliedRequests());
    const copies = [log.entries[3]!, log.entries[20]!].map((e) => log.copy(e));
    const fresh = log.add(v2(id(31, 31, 'm1', 11), { method: 'POST', path: '/queue', val: 'v31' }));
    for (const sm of [applied, restored]) for (const e of [...copies, fresh]) sm.applyEntry(e);
    expect(restored.snapshotData()).toEqual(applied.snapshotData());
    expect(children(applied, '/queue')).toHaveLength(31);
  });

  it('a member replaying the log after a restart rebuilds the same record, and still refuses a copy', () => {
    const log = history();
    const before = member('m1').sm;
    log.applyTo(before);
    const replayed = member('m1').sm;
    log.applyTo(replayed);
    expect(replayed.snapshotData()).toEqual(before.snapshotData());
    const index = replayed.store.index;
    replayed.applyEntry(log.copy(log.entries[0]!));
    expect(replayed.store.index).toBe(index);
  });

  it('a snapshot from before the record existed still loads, with nothing recorded', () => {
    const log = history();
    const sm = member('m1').sm;
    log.applyTo(sm);
    const packr = new Packr({ useRecords: false, moreTypes: false });
    const old = packr.unpack(sm.snapshotData()) as Record<string, unknown>;
    delete old.requests;
    const restored = member('m2').sm;
    restored.restoreSnapshot({ data: packr.pack(old), metadata: { index: log.entries.length, term: 1, confState: { voters: ids, learners: [] } } });
    expect(restored.appliedRequests()).toEqual([]);
    expect(children(restored, '/queue')).toEqual(children(sm, '/queue'));
  });
});
