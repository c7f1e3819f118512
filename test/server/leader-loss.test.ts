// Writes across the loss of a leader, over three real Members on a fake clock and a network the
// test cuts: a follower's forwarded proposal is offered again to the new leader and applies once,
// and a member that knows it is cut off from the quorum answers at once instead of at the timeout.
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/index.js';
import { decodeCommand } from '../../src/server/commands.js';
import { EtcdError } from '../../src/store/types.js';
import type { StoreEvent } from '../../src/store/types.js';
import type { MemberCluster } from './support/member-cluster.js';
import { useMemberCluster } from './support/use-member-cluster.js';
import type { RunningMember } from './support/member-cluster.js';

const CONNECTION_LOST = { errorCode: 300, cause: 'etcdserver: request timed out, possibly due to connection lost' };

const started = useMemberCluster();

/** The values in /queue on a member, read locally. */
async function queued(c: MemberCluster, m: RunningMember): Promise<string[]> {
  const ev = await m.member.handle(c.request({ method: 'GET', path: '/queue', recursive: true, sorted: true }));
  return (ev.node.nodes ?? []).map((n) => n.value!);
}

/** Entries of a member's log carrying v2 request `val`. */
function copiesOf(m: RunningMember, val: string): number {
  return m.log.disk.entries.filter((e) => {
    if (e.type !== EntryType.Normal || e.data.length === 0) return false;
    const cmd = decodeCommand(e.data);
    return cmd.kind === 'v2' && cmd.req.val === val;
  }).length;
}

async function caughtUp(c: MemberCluster): Promise<void> {
  await c.clock.until(() => new Set(c.members.map((m) => m.member.indexes().etcdIndex)).size === 1, 'every member at the same index');
}

describe('a write forwarded to a leader that is then lost', () => {
  it('is offered again to the new leader, applied once, and answered', async () => {
    const c = await started();
    const oldLeader = c.leader()!;
    const follower = c.follower();
    c.net.isolate(oldLeader.member.memberId);
    // The follower still believes in the old leader: its forward is lost with it.
    const write = c.within(follower.member.handle(c.request({ method: 'POST', path: '/queue', val: 'job' })), 'the write answered');
    const ev = await write;
    expect(ev.action).toBe('create');
    expect(c.leader()).not.toBe(oldLeader);
    c.net.heal();
    await caughtUp(c);
    for (const m of c.members) expect(await queued(c, m)).toEqual(['job']);
  });

  it('when the old leader had replicated it to the member that leads next, the copy offered again is refused: one key, the first application\'s answer', async () => {
    const c = await started();
    const oldLeader = c.leader()!;
    const [follower, other] = c.members.filter((m) => m !== oldLeader) as [RunningMember, RunningMember];
    // The old leader hears the follower and replicates to the other member, but the follower
    // hears nothing more from it: not the entry, not that it committed.
    c.net.cutLink(oldLeader.member.memberId, follower.member.memberId);
    const write = c.within(follower.member.handle(c.request({ method: 'POST', path: '/queue', val: 'job' })), 'the write answered');
    await c.clock.until(() => copiesOf(other, 'job') === 1, 'the other member holds the entry');
    c.net.isolate(oldLeader.member.memberId);
    const ev = await write;
    expect(c.leader()).toBe(other);
    expect(ev.action).toBe('create');
    c.net.heal();
    await caughtUp(c);
    for (const m of c.members) expect(await queued(c, m)).toEqual(['job']);
    expect(copiesOf(other, 'job')).toBe(2);
  });
});

describe('a member that knows it is cut off from the quorum', () => {
  it('a follower fails its queued writes and quorum reads with etcd\'s connection-lost timeout, then new ones at once; its watches stay open', async () => {
    const c = await started();
    const lonely = c.follower();
    const events: StoreEvent[] = [];
    let closed = false;
    lonely.member.watch(c.request({ method: 'GET', path: '/w', wait: true, stream: true }), (ev) => events.push(ev), () => (closed = true));
    c.net.isolate(lonely.member.memberId);
    const write = lonely.member.handle(c.request({ method: 'PUT', path: '/k', val: 'v' })).catch((e: unknown) => e);
    const read = lonely.member.handle(c.request({ method: 'GET', path: '/k', quorum: true })).catch((e: unknown) => e);
    for (const answer of [await c.within(write, 'the write answered'), await c.within(read, 'the read answered')]) {
      expect(answer).toBeInstanceOf(EtcdError);
      expect((answer as EtcdError).toJSON()).toMatchObject(CONNECTION_LOST);
    }
    const again = await lonely.member.handle(c.request({ method: 'PUT', path: '/k', val: 'again' })).catch((e: unknown) => e);
    expect((again as EtcdError).toJSON()).toMatchObject(CONNECTION_LOST);
    c.net.heal();
    await c.clock.until(() => lonely.member.leaderId() !== undefined, 'the member knows a leader again');
    await c.within(lonely.member.handle(c.request({ method: 'PUT', path: '/w', val: 'after' })), 'a write after healing');
    await c.clock.advance(100);
    expect(events.map((ev) => ev.node.value)).toEqual(['after']);
    expect(closed).toBe(false);
  });

  it('a leader that hears from no quorum steps down and fails the writes it holds with etcd\'s connection-lost timeout', async () => {
    const c = await started();
    const leader = c.leader()!;
    c.net.isolate(leader.member.memberId);
    const write = leader.member.handle(c.request({ method: 'PUT', path: '/k', val: 'v' })).catch((e: unknown) => e);
    const answer = await c.within(write, 'the write answered');
    expect((answer as EtcdError).toJSON()).toMatchObject(CONNECTION_LOST);
    expect(leader.member.isLeader()).toBe(false);
  });
});
