// --force-new-cluster's log rewrite: every entry kept (those past the persisted commit index too),
// removals appended after the last one, everything committed; then real Members started on the
// rewritten disk, in one process over a fake clock.
import { describe, expect, it } from 'vitest';
import { ConfChangeType, EntryType, decodeConfChange, encodeConfChange } from '../../raft/index.js';
import type { ConfChange, Entry } from '../../raft/index.js';
import { decodeCommand } from '../../src/server/commands.js';
import { forceNewCluster, standaloneRewrite } from '../../src/server/force-new-cluster.js';
import { decodeMemberContext } from '../../src/server/membership.js';
import type { LoadedState } from '../../src/storage/durable-log.js';
import { EtcdError, ErrorCode } from '../../src/store/types.js';
import { MemberCluster } from './support/member-cluster.js';
import type { RunningMember } from './support/member-cluster.js';

const founders = { voters: ['a', 'b', 'c'], learners: [] };
/** The forced member's own name and peer URLs, for when its log lacks it. */
const SELF = { name: 'survivor', peerURLs: ['http://127.0.0.1:2380'] };

function normal(index: number, term = 2): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array([index]) };
}

function confChange(index: number, type: ConfChangeType, nodeId: string): Entry {
  return { index, term: 2, type: EntryType.ConfChange, data: encodeConfChange({ type, nodeId, context: new Uint8Array() }) };
}

function loadedWith(entries: Entry[], commit: number, confState?: LoadedState['confState']): LoadedState {
  return { hardState: { term: 3, vote: 'a', commit }, confState, snapshot: undefined, entries, meta: {} };
}

function changes(entries: Entry[]): Pick<ConfChange, 'type' | 'nodeId'>[] {
  return entries.map((e) => {
    const { type, nodeId } = decodeConfChange(e.data);
    return { type, nodeId };
  });
}

describe('the standalone rewrite of a log', () => {
  it('keeps the entries past the persisted commit, appends a removal per other member after them at the current term, and commits all', () => {
    const entries = Array.from({ length: 10 }, (_, i) => normal(i + 1));
    const rewrite = standaloneRewrite(loadedWith(entries, 6), 'a', founders, SELF);
    expect(rewrite.keptPastCommit).toBe(4);
    expect(rewrite.appended.map((e) => [e.index, e.term, e.type])).toEqual([[11, 3, EntryType.ConfChange], [12, 3, EntryType.ConfChange]]);
    expect(changes(rewrite.appended)).toEqual([{ type: ConfChangeType.RemoveNode, nodeId: 'b' }, { type: ConfChangeType.RemoveNode, nodeId: 'c' }]);
    expect(rewrite.hardState).toEqual({ term: 3, vote: 'a', commit: 12 });
    expect(rewrite.removed).toEqual(['b', 'c']);
  });

  it('finds the members as etcd\'s getIDs does: the snapshot\'s configuration, then every conf change in the log, committed or not', () => {
    const entries = [confChange(21, ConfChangeType.RemoveNode, 'd'), confChange(22, ConfChangeType.AddLearnerNode, 'e'), normal(23)];
    const loaded = { ...loadedWith(entries, 21, { voters: ['a', 'b', 'c', 'd'], learners: [] }), snapshot: { data: new Uint8Array(), metadata: { index: 20, term: 2, confState: { voters: ['a', 'b', 'c', 'd'], learners: [] } } } };
    const rewrite = standaloneRewrite(loaded, 'c', founders, SELF);
    expect(rewrite.removed).toEqual(['a', 'b', 'e']);
    expect(rewrite.appended[0]!.index).toBe(24);
    expect(rewrite.hardState.commit).toBe(26);
  });

  it('promotes a learner that is forced, before removing anyone, so raft always has a voter', () => {
    const rewrite = standaloneRewrite(loadedWith([confChange(1, ConfChangeType.AddLearnerNode, 'd')], 1), 'd', founders, SELF);
    expect(changes(rewrite.appended)).toEqual([
      { type: ConfChangeType.AddNode, nodeId: 'd' },
      ...['a', 'b', 'c'].map((nodeId) => ({ type: ConfChangeType.RemoveNode, nodeId })),
    ]);
  });

  it('appends nothing for a member already alone, but still commits its whole log (a second forced start)', () => {
    const rewrite = standaloneRewrite(loadedWith([normal(1), normal(2)], 1), 'a', { voters: ['a'], learners: [] }, SELF);
    expect(rewrite.appended).toEqual([]);
    expect(rewrite.hardState.commit).toBe(2);
  });

  it('adds a member its log has never heard of (a backup\'s new id) with its name and peer URLs, before removing everyone else, as etcd does', () => {
    const rewrite = standaloneRewrite(loadedWith([normal(1), normal(2)], 2), 'z', founders, SELF);
    expect(changes(rewrite.appended)).toEqual([
      { type: ConfChangeType.AddNode, nodeId: 'z' },
      ...['a', 'b', 'c'].map((nodeId) => ({ type: ConfChangeType.RemoveNode, nodeId })),
    ]);
    expect(decodeMemberContext(decodeConfChange(rewrite.appended[0]!.data).context)).toEqual(SELF);
  });

  it('refuses a member its own log has removed', () => {
    expect(() => standaloneRewrite(loadedWith([confChange(1, ConfChangeType.RemoveNode, 'c')], 1), 'c', founders, SELF)).toThrow(/was removed from the cluster its log holds/);
  });
});

async function valueOn(c: MemberCluster, m: RunningMember, key: string): Promise<string | undefined> {
  try {
    return (await c.within(m.member.handle(c.request({ method: 'GET', path: key, quorum: true })), `a quorum read of ${key}`)).node.value;
  } catch (err) {
    if (err instanceof EtcdError && err.errorCode === ErrorCode.KeyNotFound) return undefined;
    throw err;
  }
}

/** The index of the entry that wrote `path`. */
function entryWriting(m: RunningMember, path: string): number {
  const entry = m.log.load().entries.find((e) => {
    if (e.type !== EntryType.Normal || e.data.length === 0) return false;
    const cmd = decodeCommand(e.data);
    return cmd.kind === 'v2' && cmd.req.path === path;
  });
  if (!entry) throw new Error(`no entry writes ${path}`);
  return entry.index;
}

describe('a member restarted with --force-new-cluster (in one process)', () => {
  it('serves every write of its log, those past its persisted commit index too, alone; stays alone without the flag; a member added later agrees with it', async () => {
    const old = await new MemberCluster().start();
    const leader = old.leader()!;
    for (let k = 0; k < 20; k++) await old.within(leader.member.handle(old.request({ method: 'PUT', path: `/k${k}`, val: `v${k}` })), `write ${k}`);
    const survivor = old.follower();
    await old.clock.until(() => survivor.member.indexes().etcdIndex === leader.member.indexes().etcdIndex, 'the survivor applied every write');
    const storeIndex = leader.member.indexes().etcdIndex;
    await old.stop();
    // Its disk as after a crash whose commit index lagged: /k10 onwards are past it.
    const hs = survivor.log.load().hardState;
    survivor.log.disk.saveHardState({ ...hs, commit: entryWriting(survivor, '/k10') - 1 });

    const said: Record<string, Record<string, unknown>> = {};
    const forced = await forceNewCluster(survivor.log, survivor.log.load(), survivor.identity, SELF, { info: (fields, msg) => (said[msg] = fields as Record<string, unknown>) });
    const last = forced.entries.at(-1)!.index;
    expect(survivor.log.load().hardState.commit).toBe(last);
    expect(said['forcing restart member']).toMatchObject({ 'commit-index': last });
    expect(Object.values(said)[0]!['number-of-kept-entries']).toBeGreaterThanOrEqual(10);

    const c = new MemberCluster();
    const config = c.configFor(survivor.name, survivor.identity.initialMembers.members.find((m) => m.id === survivor.identity.memberId)!.peerURLs);
    const solo = await c.launch(config, survivor.identity, survivor.log);
    await c.clock.until(() => solo.member.isLeader(), 'the forced member to lead alone');
    await c.clock.until(() => solo.member.members()[0]?.clientURLs.length === 1, 'the forced member published');
    expect(solo.member.members().map((m) => m.id)).toEqual([survivor.identity.memberId]);
    expect(solo.member.memberId).toBe(survivor.identity.memberId);
    expect(solo.member.clusterId).toBe(survivor.identity.clusterId);
    for (let k = 0; k < 20; k++) expect(await valueOn(c, solo, `/k${k}`)).toBe(`v${k}`);
    // As etcd's store records it: two writes per member removed, one for the publish.
    expect(solo.member.indexes().etcdIndex).toBe(storeIndex + 2 * 2 + 1);
    await c.within(solo.member.handle(c.request({ method: 'PUT', path: '/alone', val: 'yes' })), 'a write alone');

    // A member added now replays the same log from the founders' configuration and agrees.
    const added = await c.within(solo.member.addMember!(['http://10.0.0.9:2380']), 'the member added');
    const newcomer = await c.launch(c.configFor('m9', ['http://10.0.0.9:2380']), { ...survivor.identity, memberId: added.id });
    await c.clock.until(() => newcomer.member.indexes().etcdIndex === solo.member.indexes().etcdIndex && newcomer.member.members().length === 2, 'the newcomer caught up');
    expect(newcomer.member.members()).toEqual(solo.member.members());
    expect(await valueOn(c, newcomer, '/k19')).toBe('v19');
    await c.stop();
    for (const m of [...old.members, ...c.members]) expect(m.fatal).toEqual([]);

    // Restarted without the flag on the same disk: still the one member it was forced to be, plus the one added.
    const again = new MemberCluster();
    const restarted = await again.launch(config, survivor.identity, survivor.log);
    await again.launch(c.configFor('m9', ['http://10.0.0.9:2380']), newcomer.identity, newcomer.log);
    await again.clock.until(() => again.leader() !== undefined, 'a leader after the restart');
    expect(restarted.member.members().map((m) => m.id).sort()).toEqual([survivor.identity.memberId, added.id].sort());
    expect(await valueOn(again, restarted, '/alone')).toBe('yes');
    await again.stop();
  });
});
