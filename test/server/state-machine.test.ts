import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/index.js';
import { ConfChangeType } from '../../raft/index.js';
import { encodeCommand } from '../../src/server/commands.js';
import type { Command } from '../../src/server/commands.js';
import { encodeMemberContext } from '../../src/server/membership.js';
import { InvariantError } from '../../src/server/invariant.js';
import { StateMachine } from '../../src/server/state-machine.js';
import type { ApplyOutcome } from '../../src/server/state-machine.js';
import type { AuthOp } from '../../src/auth/auth-state.js';

const founders = { members: [{ id: 'm1', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [] }], removed: [] };
const quiet = { onOwnApplied: () => undefined, onMembershipChanged: () => undefined, onRestored: () => undefined };

describe('the state machine', () => {
  it('stops on a committed entry that holds no known command instead of stepping over it', () => {
    const sm = new StateMachine('m1', founders, quiet);
    expect(() => sm.applyEntry({ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array([0xc1]) })).toThrow(InvariantError);
    expect(sm.store.index).toBe(1); // the founder's raftAttributes only
  });

  it('applies a v2 request and keeps the store index moving forward', () => {
    const sm = new StateMachine('m1', founders, quiet);
    sm.applyEntry({ index: 1, term: 1, type: EntryType.Normal, data: encodeCommand({ kind: 'v2', from: 'm2', seq: 1, req: { method: 'PUT', path: '/a', val: '1', time: 0 } }) });
    expect(sm.store.index).toBe(2);
  });

  describe('v2 auth', () => {
    const ops: AuthOp[] = [
      { op: 'createUser', user: 'root', password: 'scrypt-hash', roles: null, orUpdate: true },
      { op: 'createRole', role: { role: 'reader', permissions: { kv: { read: ['/foo/*'], write: null } } } },
      { op: 'createUser', user: 'alice', password: 'scrypt-hash-2', roles: ['reader'], orUpdate: false },
      { op: 'enable' },
    ];
    const applyAll = (sm: StateMachine, from: string): void => {
      ops.forEach((op, i) => sm.applyEntry({ index: i + 1, term: 1, type: EntryType.Normal, data: encodeCommand({ kind: 'auth', from, seq: i, op }) }));
    };

    it('applies auth commands, answers the proposer, and moves the store index as etcd does', () => {
      const outcomes: (ApplyOutcome | undefined)[] = [];
      const sm = new StateMachine('m1', founders, { ...quiet, onOwnApplied: (_seq, outcome) => outcomes.push(outcome) });
      applyAll(sm, 'm1');
      expect(outcomes[0]).toEqual({ auth: { kind: 'user', user: { user: 'root', password: 'scrypt-hash', roles: ['root'] }, created: true } });
      expect(outcomes[3]).toEqual({ auth: { kind: 'done' } });
      // the founder's raftAttributes; 4 auth directories, root, reader, alice, then guest and the enabled flag
      expect(sm.store.index).toBe(10);
      expect(sm.auth.enabled).toBe(true);
    });

    it('carries the auth state in its snapshot; a member restored from it decides alike', () => {
      const sm = new StateMachine('m1', founders, quiet);
      applyAll(sm, 'm2');
      const restored = new StateMachine('m3', founders, quiet);
      restored.restoreSnapshot({ data: sm.snapshotData(), metadata: { index: 4, term: 1, confState: { voters: ['m1'], learners: [] } } } as never);
      expect(restored.auth.toData()).toEqual(sm.auth.toData());
      expect(restored.store.index).toBe(sm.store.index);
      const next: AuthOp = { op: 'updateUser', user: 'alice', password: '', grant: ['writer'], revoke: null };
      for (const m of [sm, restored]) m.applyEntry({ index: 5, term: 1, type: EntryType.Normal, data: encodeCommand({ kind: 'auth', from: 'm2', seq: 9, op: next }) });
      expect(restored.auth.toData()).toEqual(sm.auth.toData());
      expect(restored.snapshotData()).toEqual(sm.snapshotData());
    });

    it('restores a snapshot taken before auth existed as auth off, with no users', () => {
      const sm = new StateMachine('m1', founders, quiet);
      for (let i = 1; i <= 20; i++) {
        sm.applyEntry({ index: i, term: 1, type: EntryType.Normal, data: encodeCommand({ kind: 'v2', from: 'm2', seq: i, req: { method: 'PUT', path: '/a', val: `${i}`, time: 0 } }) });
      }
      const restored = new StateMachine('m1', founders, quiet);
      applyAll(restored, 'm2');
      const packr = new Packr({ useRecords: false, moreTypes: false });
      const old = packr.unpack(sm.snapshotData()) as Record<string, unknown>;
      delete old.auth;
      restored.restoreSnapshot({ data: packr.pack(old), metadata: { index: 20, term: 1, confState: { voters: ['m1'], learners: [] } } } as never);
      expect(restored.auth.enabled).toBe(false);
      expect(restored.auth.userNames()).toEqual([]);
    });
  });
});

// The numbers are real etcd 3.4.23's (--enable-v2), three founders started together, then
// `etcdctl member add`, the new member started, `member update`, `member remove`: X-Etcd-Index of a
// `set` after each step was 8, 10, 12, 14 and 17.
describe('membership writes take store indexes as in etcd', () => {
  const ids = ['a1', 'b2', 'c3'];
  const three = { members: ids.map((id) => ({ id, name: id, peerURLs: [`http://${id}:2380`], clientURLs: [] })), removed: [] };
  let index = 0;
  const apply = (sm: StateMachine, cmd: Command): void => sm.applyEntry({ index: ++index, term: 1, type: EntryType.Normal, data: encodeCommand(cmd) });
  const set = (sm: StateMachine): number => {
    apply(sm, { kind: 'v2', from: 'a1', seq: 0, req: { method: 'PUT', path: '/foo', val: 'bar', time: 0 } });
    return sm.store.index;
  };
  const publish = (sm: StateMachine, id: string): void => apply(sm, { kind: 'attrs', from: id, seq: 0, memberId: id, name: id, clientURLs: [`http://${id}:2379`] });
  const confChange = (sm: StateMachine, type: ConfChangeType, nodeId: string): void =>
    sm.applyConfChange({ type, nodeId, context: encodeMemberContext({ name: '', peerURLs: type === ConfChangeType.RemoveNode ? [] : [`http://${nodeId}:2380`] }) }, () => ({ voters: [], learners: [] }));

  it('counts founders, the cluster version, publishes, an add (learner stage free), an update and a removal', () => {
    const sm = new StateMachine('a1', three, quiet);
    expect(sm.store.index).toBe(3);
    apply(sm, { kind: 'cluster-version', version: '3.4.0' });
    apply(sm, { kind: 'cluster-version', version: '3.4.0' }); // committed twice: set once
    for (const id of ids) publish(sm, id);
    expect(set(sm)).toBe(8);

    confChange(sm, ConfChangeType.AddLearnerNode, 'd4');
    expect(set(sm)).toBe(10);
    confChange(sm, ConfChangeType.AddNode, 'd4'); // raftkv's promotion of the caught-up learner
    publish(sm, 'd4');
    expect(set(sm)).toBe(12);
    apply(sm, { kind: 'peer-urls', from: 'a1', seq: 0, memberId: 'd4', peerURLs: ['http://d4:2381'] });
    expect(set(sm)).toBe(14);
    confChange(sm, ConfChangeType.RemoveNode, 'd4');
    expect(set(sm)).toBe(17);
    publish(sm, 'd4'); // a removed member's late publish writes nothing
    apply(sm, { kind: 'peer-urls', from: 'a1', seq: 0, memberId: 'd4', peerURLs: ['http://d4:2382'] });
    expect(sm.store.index).toBe(17);
  });

  it('a restart publishes again (one index); a member restored from a snapshot keeps the cluster version', () => {
    const sm = new StateMachine('a1', three, quiet);
    apply(sm, { kind: 'cluster-version', version: '3.4.0' });
    for (const id of ids) publish(sm, id);
    const restored = new StateMachine('b2', three, quiet);
    restored.restoreSnapshot({ data: sm.snapshotData(), metadata: { index, term: 1, confState: { voters: ids, learners: [] } } } as never);
    apply(restored, { kind: 'cluster-version', version: '3.4.0' });
    publish(restored, 'b2');
    expect(restored.store.index).toBe(8);
  });
});
