// The server layer in one process: three real Members over a fake clock, in-memory disks and a
// network the test cuts and drops messages on. Every wait is in fake time.
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../raft/index.js';
import { EtcdError, ErrorCode } from '../../src/store/types.js';
import type { StoreEvent } from '../../src/store/types.js';
import { HEALTH_INTERVAL_MS, NOT_ENOUGH_STARTED, UNHEALTHY } from '../../src/server/reconfig-check.js';
import type { MemberCluster } from './support/member-cluster.js';
import { useMemberCluster } from './support/use-member-cluster.js';

const started = useMemberCluster();

async function getValue(c: MemberCluster, i: number, key: string): Promise<string | undefined> {
  try {
    return (await c.members[i]!.member.handle(c.request({ method: 'GET', path: key }))).node.value;
  } catch (err) {
    if (err instanceof EtcdError && err.errorCode === ErrorCode.KeyNotFound) return undefined;
    throw err;
  }
}

describe('a member proposing writes', () => {
  it('a follower forwards a write to the leader and answers with the applied event; every member applies it', async () => {
    const c = await started();
    const follower = c.follower();
    const ev = await c.within(follower.member.handle(c.request({ method: 'PUT', path: '/k', val: 'v' })), 'the write applied');
    expect(ev.action).toBe('set');
    expect(ev.node.value).toBe('v');
    await c.clock.advance(100);
    for (let i = 0; i < 3; i++) expect(await getValue(c, i, '/k')).toBe('v');
  });

  it('a write on a member cut off from the quorum times out with etcd\'s error, and the member keeps running', async () => {
    const c = await started();
    const lonely = c.follower();
    c.net.isolate(lonely.member.memberId);
    const write = c.within(lonely.member.handle(c.request({ method: 'PUT', path: '/k', val: 'v' })), 'the write answered', 60_000);
    const err = await write.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdError);
    expect((err as EtcdError).toJSON()).toMatchObject({ errorCode: 300, cause: expect.stringMatching(/^etcdserver: request timed out/) });
    expect((await lonely.metrics.proposalsFailed.get()).values[0]?.value).toBe(1);
    c.net.heal();
    await c.clock.until(() => lonely.member.leaderId() !== undefined, 'the member rejoined a leader');
    await c.within(lonely.member.handle(c.request({ method: 'PUT', path: '/k', val: 'after' })), 'a write after healing');
  });

  it('a write made while there is no leader waits for the election instead of failing at once', async () => {
    const c = await started();
    const oldLeader = c.leader()!;
    c.net.isolate(oldLeader.member.memberId);
    const survivor = c.members.find((m) => m !== oldLeader)!;
    await c.clock.until(() => survivor.member.leaderId() === undefined || survivor.member.leaderId() !== oldLeader.member.memberId, 'the survivor gave up on the old leader');
    const ev = await c.within(survivor.member.handle(c.request({ method: 'PUT', path: '/k', val: 'v' })), 'the write applied under the new leader');
    expect(ev.node.value).toBe('v');
  });
});

/** A cluster whose peers have been connected for etcd's health interval, so changes pass the strict check. */
async function settled(settings: ConstructorParameters<typeof MemberCluster>[0] = {}): Promise<MemberCluster> {
  const c = await started(settings);
  await c.clock.advance(HEALTH_INTERVAL_MS);
  return c;
}

describe('membership changes', () => {
  it('a change whose proposal is lost is proposed again until it applies, and applies once', async () => {
    const c = await settled();
    const follower = c.follower();
    c.net.dropNext = (m) => m.type === MessageType.Prop && m.from === follower.member.memberId;
    const added = await c.within(follower.member.addMember!(['http://10.0.0.9:2380']), 'the member added');
    expect(c.net.dropNext).toBeUndefined();
    await c.clock.advance(100);
    for (const m of c.members) {
      const listed = m.member.members().filter((x) => x.id === added.id);
      expect(listed).toEqual([{ id: added.id, name: '', peerURLs: ['http://10.0.0.9:2380'], clientURLs: [], isLearner: true }]);
    }
  });

  it('the leader promotes a learner to voter once it has caught up', async () => {
    const c = await settled();
    for (let i = 0; i < 5; i++) await c.within(c.leader()!.member.handle(c.request({ method: 'PUT', path: `/k${i}`, val: 'v' })), 'a write');
    const added = await c.within(c.leader()!.member.addMember!(['http://10.0.0.4:2380']), 'the learner added');
    const founder = c.members[0]!;
    const identity = { ...founder.identity, memberId: added.id };
    const config = c.configFor('m4', ['http://10.0.0.4:2380']);
    await c.launch(config, identity);
    expect(c.leader()!.member.members().find((m) => m.id === added.id)?.isLearner).toBe(true);
    await c.clock.until(() => c.leader()!.member.members().find((m) => m.id === added.id)?.isLearner === undefined, 'the learner promoted');
    expect(founder.member.members().find((m) => m.id === added.id)).toEqual({ id: added.id, name: 'm4', peerURLs: ['http://10.0.0.4:2380'], clientURLs: ['http://m4.test:2379'] });
    expect(await getValue(c, 3, '/k4')).toBe('v');
  });

  it('refuses to remove a member twice, as etcd does', async () => {
    const c = await settled();
    const gone = c.follower();
    await c.within(c.leader()!.member.removeMember!(gone.member.memberId), 'the member removed');
    await c.clock.until(() => gone.removed, 'the removed member told it was removed');
    const again = await c.leader()!.member.removeMember!(gone.member.memberId).catch((e: unknown) => e);
    expect(again).toMatchObject({ refusal: 'removed' });
  });
});

describe('the strict reconfiguration check (on by default, as in etcd)', () => {
  it('refuses to add a member until every voter has been connected for the health interval', async () => {
    const c = await started();
    const leader = c.leader()!.member;
    await expect(leader.addMember!(['http://10.0.0.9:2380'])).rejects.toThrow(UNHEALTHY);
    await c.clock.advance(HEALTH_INTERVAL_MS);
    const cutOff = c.follower();
    c.net.isolate(cutOff.member.memberId);
    await expect(leader.addMember!(['http://10.0.0.9:2380'])).rejects.toThrow(UNHEALTHY);
    c.net.heal();
    await c.clock.advance(HEALTH_INTERVAL_MS);
    await c.within(leader.addMember!(['http://10.0.0.9:2380']), 'the member added once the cluster is healthy');
  });

  it('refuses to remove a connected voter when that would leave too few connected, but removes a member that is down', async () => {
    const c = await settled();
    const leader = c.leader()!;
    const [up, down] = c.members.filter((m) => m !== leader);
    c.net.isolate(down!.member.memberId);
    await expect(leader.member.removeMember!(up!.member.memberId)).rejects.toThrow(NOT_ENOUGH_STARTED);
    await c.within(leader.member.removeMember!(down!.member.memberId), 'the member that is down removed');
    expect(leader.member.members().map((m) => m.id)).not.toContain(down!.member.memberId);
  });

  it('with --strict-reconfig-check=false, changes are proposed without it', async () => {
    const c = await started({ strictReconfigCheck: false });
    await c.within(c.leader()!.member.addMember!(['http://10.0.0.9:2380']), 'the member added at once');
  });
});

describe('TTLs', () => {
  it('keys expire when the leader proposes a SYNC, at the same index everywhere; a member cut off from the leader keeps them', async () => {
    const c = await started();
    await c.within(c.leader()!.member.handle(c.request({ method: 'PUT', path: '/ttl', val: 'v', ttl: 2 })), 'the ttl write');
    const cutOff = c.follower();
    c.net.isolate(cutOff.member.memberId);
    await c.clock.advance(3000);
    const others = c.members.filter((m) => m !== cutOff);
    for (const m of others) await expect(m.member.handle(c.request({ method: 'GET', path: '/ttl' }))).rejects.toMatchObject({ errorCode: 100 });
    expect((await cutOff.member.handle(c.request({ method: 'GET', path: '/ttl' }))).node.value).toBe('v');
    c.net.heal();
    await c.clock.until(() => cutOff.member.indexes().etcdIndex === others[0]!.member.indexes().etcdIndex, 'the cut-off member caught up');
    await expect(cutOff.member.handle(c.request({ method: 'GET', path: '/ttl' }))).rejects.toMatchObject({ errorCode: 100 });
  });
});

describe('a snapshot installed while watches are open', () => {
  it('a long poll whose event the snapshot skipped is answered, a stream gets every skipped event, another waits for the next write', async () => {
    const c = await started({ snapshotCount: 20 });
    const behind = c.follower();
    const poll: StoreEvent[] = [];
    const stream: StoreEvent[] = [];
    const quiet: StoreEvent[] = [];
    const closed: string[] = [];
    behind.member.watch(c.request({ method: 'GET', path: '/k', wait: true }), (ev) => poll.push(ev), () => closed.push('poll'));
    behind.member.watch(c.request({ method: 'GET', path: '/s', wait: true, stream: true }), (ev) => stream.push(ev), () => closed.push('stream'));
    behind.member.watch(c.request({ method: 'GET', path: '/quiet', wait: true }), (ev) => quiet.push(ev), () => closed.push('quiet'));
    c.net.isolate(behind.member.memberId);
    const leader = c.leader() ?? (await c.clock.until(() => c.leader() !== undefined, 'a leader'), c.leader()!);
    const write = (path: string, val: string): Promise<StoreEvent> => c.within(leader.member.handle(c.request({ method: 'PUT', path, val })), `write ${path}`);
    await write('/k', 'skipped');
    await write('/s', '1');
    for (let i = 0; i < 60; i++) await write('/filler', String(i));
    await write('/s', '2');
    const installsBefore = behind.log.disk.snapshotIndex();
    c.net.heal();
    await c.clock.until(() => behind.member.indexes().etcdIndex === leader.member.indexes().etcdIndex, 'the member behind caught up');
    expect(behind.log.disk.snapshotIndex()).toBeGreaterThan(installsBefore);
    expect(poll.map((ev) => [ev.node.key, ev.node.value])).toEqual([['/k', 'skipped']]);
    expect(stream.map((ev) => ev.node.value)).toEqual(['1', '2']);
    expect(quiet).toEqual([]);
    expect(closed).toEqual([]);
    await write('/quiet', 'woken');
    await c.clock.advance(100);
    expect(quiet.map((ev) => ev.node.value)).toEqual(['woken']);
  });
});

describe('statistics', () => {
  it('print member ids as etcd does, without leading zeros', async () => {
    // With this token m1's id is 036bb5bbb108ccd9.
    const c = await started({ token: 'zero-50' });
    const m1 = c.members[0]!.member;
    expect(m1.memberId).toBe('036bb5bbb108ccd9');
    expect(m1.selfStats()).toMatchObject({ id: '36bb5bbb108ccd9' });
    await c.clock.until(() => c.leader() !== undefined, 'a leader');
    const leader = c.leader()!.member;
    const printed = (id: string): string => id.replace(/^0+/, '');
    for (const m of c.members) expect(m.member.selfStats()).toMatchObject({ leaderInfo: { leader: printed(leader.memberId) } });
    expect(Object.keys((leader.leaderStats() as { followers: object }).followers).sort()).toEqual(
      c.members.filter((m) => m.member !== leader).map((m) => printed(m.member.memberId)).sort(),
    );
  });
});

describe('metrics', () => {
  const sample = (text: string, line: string): number => Number(new RegExp(`^${line} (\\S+)$`, 'm').exec(text)?.[1]);

  it('apply durations, leadership and raft indexes under etcd\'s names', async () => {
    const c = await started();
    const leader = c.leader()!;
    const before = await leader.metrics.render();
    await c.within(leader.member.handle(c.request({ method: 'PUT', path: '/m', val: 'v' })), 'a write');
    const after = await leader.metrics.render();
    expect(sample(after, 'raftkv_server_apply_duration_seconds_count')).toBeGreaterThan(sample(before, 'raftkv_server_apply_duration_seconds_count'));
    expect(sample(after, 'etcd_server_is_leader')).toBe(1);
    expect(sample(after, 'etcd_server_has_leader')).toBe(1);
    expect(sample(after, 'etcd_server_leader_changes_seen_total')).toBe(1);
    expect(sample(after, 'etcd_server_proposals_committed_total')).toBe(leader.member.indexes().raftIndex);
    expect(sample(after, 'etcd_server_proposals_pending')).toBe(0);
    expect(sample(after, 'etcd_debugging_store_writes_total{action="set"}')).toBe(1);
    const follower = await c.follower().metrics.render();
    expect(sample(follower, 'etcd_server_is_leader')).toBe(0);
    expect(sample(follower, 'etcd_server_has_leader')).toBe(1);
  });
});
