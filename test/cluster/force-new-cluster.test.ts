// Recovering from the loss of a majority with --force-new-cluster, on real processes: three
// members under a steady write load, two killed with kill -9, the third killed too (so the commit
// index on its disk may lag what was acknowledged), then restarted on its data with the flag. It
// must serve every acknowledged write alone (etcd 3.4, dropping what lies past its persisted
// commit index, has come back short), grow back to three with etcdctl, and refuse the old members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { addWithEtcdctl, caughtUp, etcdIndex, keysOn, memberId, membersSeenBy, promoted } from './cluster-queries.js';
import { SteadyWrites } from './steady-writes.js';

describe.each([
  ['the leader and a follower', 'follower'],
  ['both followers', 'leader'],
] as const)('a majority (%s) lost for good', { timeout: 2 * CLUSTER_TEST_MS }, (_, survivorRole) => {
  let cluster: ProcessCluster;
  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3, label: 'raftkv-force-new' });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`the ${survivorRole}, restarted with --force-new-cluster, keeps every acknowledged write, serves alone, grows back to three, and refuses the old members`, async () => {
    const load = new SteadyWrites([0, 1, 2].map((i) => cluster.url(i)));
    // Long enough for a few hundred acknowledged writes, even on a busy machine.
    await sleep(2000);
    const leader = await cluster.waitForLeader();
    const survivor = survivorRole === 'leader' ? leader : [0, 1, 2].find((i) => i !== leader)!;
    const lost = [0, 1, 2].filter((i) => i !== survivor);
    const survivorId = await memberId(cluster, survivor);
    await Promise.all(lost.map((i) => cluster.kill(i)));
    // A follower's ack is one follower's fsync: the survivor may still be writing entries it was
    // sent with them. A second lets it finish, and it can commit nothing more without a quorum,
    // so the commit index on its disk still lags what the old leader acknowledged.
    await sleep(1000);
    await cluster.kill(survivor);
    await load.stop();
    expect(load.acked.length).toBeGreaterThan(50);

    cluster.spawn(survivor, ['--force-new-cluster']);
    await cluster.waitForLeader(CLUSTER_WAIT_MS, [survivor]);
    expect(cluster.logs(survivor)).toMatch(/forcing restart member/);
    expect(await memberId(cluster, survivor)).toBe(survivorId);
    expect((await membersSeenBy(cluster, survivor)).map((m) => m.id)).toEqual([survivorId]);
    const acked = await keysOn(cluster.url(survivor), '/load', true);
    expect(load.acked.filter((k) => !acked.has(k)), 'acknowledged writes missing after --force-new-cluster').toEqual([]);
    expect((await v2(cluster.url(survivor), 'PUT', '/alone', { value: 'one member' })).status).toBe(201);
    // Killed and started without the flag, it is still alone: its removals are committed on its disk.
    await cluster.kill(survivor);
    cluster.spawn(survivor);
    await cluster.waitForLeader(CLUSTER_WAIT_MS, [survivor]);
    expect((await membersSeenBy(cluster, survivor)).map((m) => m.id)).toEqual([survivorId]);
    expect((await v2(cluster.url(survivor), 'GET', '/alone', { quorum: true })).body.node.value).toBe('one member');

    // Grow back to three with etcdctl, one member at a time (each joins as a learner, then is promoted).
    const added: number[] = [];
    for (let n = 0; n < 2; n++) {
      const { slot } = await addWithEtcdctl(cluster, survivor);
      await caughtUp(cluster, slot, survivor);
      await promoted(cluster, await memberId(cluster, slot));
      added.push(slot);
    }
    const three = [survivor, ...added];
    expect((await v2(cluster.url(added[1]!), 'PUT', '/grown', { value: 'three members' })).status).toBe(201);
    await waitFor('every member to list the three, published', async () => {
      const lists = await Promise.all(three.map((i) => membersSeenBy(cluster, i)));
      return lists.every((l) => l.length === 3 && l.every((m) => m.clientURLs.length > 0));
    }, CLUSTER_WAIT_MS, cluster.recentOutput);
    // The same member list and store index everywhere: membership's /0 writes agree too.
    await waitFor('every member to reach the same store index', async () => new Set(await Promise.all(three.map((i) => etcdIndex(cluster.url(i))))).size === 1, CLUSTER_WAIT_MS, cluster.recentOutput);
    const lists = await Promise.all(three.map((i) => membersSeenBy(cluster, i)));
    for (const l of lists) expect(l).toEqual(lists[0]);
    for (const i of three) {
      const keys = await keysOn(cluster.url(i), '/load');
      expect(load.acked.filter((k) => !keys.has(k)), `acknowledged writes missing on ${cluster.members[i]!.name}`).toEqual([]);
    }

    // The old members come back on their old data: they were removed, so they are refused and exit.
    for (const i of lost) cluster.spawn(i);
    for (const i of lost) {
      expect(await cluster.exited(i)).toBe(1);
      expect(cluster.logs(i)).toMatch(/the member has been permanently removed from the cluster/);
    }
    expect(cluster.crashes.map((c) => c.member).sort()).toEqual(lost.map((i) => cluster.members[i]!.name).sort());
    expect((await v2(cluster.url(survivor), 'PUT', '/after-refusal', { value: 'still three' })).status).toBe(201);
  });
});

describe('--force-new-cluster on a member with no data', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is ignored, as etcd ignores it: the member bootstraps as its other flags say', async () => {
    cluster = await ProcessCluster.create({ size: 1, label: 'raftkv-force-new-fresh' });
    cluster.spawn(0, ['--force-new-cluster']);
    await cluster.waitForLeader();
    expect(cluster.logs(0)).toMatch(/"force-new-cluster":true[^\n]*starting an etcd server/);
    expect(cluster.logs(0)).toMatch(/starting local member/);
    expect(cluster.logs(0)).not.toMatch(/forcing restart member/);
    // etcd 3.4 answers 3 here too: its own raftAttributes, the cluster version, its attributes.
    expect(await etcdIndex(cluster.url(0))).toBe(3);
  });
});
