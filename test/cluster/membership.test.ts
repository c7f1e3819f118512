import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';
import { addWithEtcdctl, caughtUp, etcdctl, keysOn, memberId, membersSeenBy, promoted } from './cluster-queries.js';
import { SteadyWrites } from './steady-writes.js';

/** DELETE /v2/members/id, asked again while the strict reconfiguration check refuses it (500: too few members connected for 5 s yet). */
async function remove(cluster: ProcessCluster, via: number, id: string): Promise<number> {
  let status = 0;
  await waitFor(`member remove of ${id} to be accepted`, async () => {
    status = (await fetch(`${cluster.url(via)}/v2/members/${id}`, { method: 'DELETE' })).status;
    return status !== 500;
  }, CLUSTER_WAIT_MS, cluster.recentOutput);
  return status;
}

describe('a cluster that grows from 3 to 5 members and shrinks back to 3 under a steady write load', () => {
  let cluster!: ProcessCluster;
  useCluster({ size: 3 }, (started) => (cluster = started));

  it('adds two learners that are promoted, removes the leader and a follower, and loses no acknowledged write', async () => {
    const load = new SteadyWrites([0, 1, 2].map((i) => cluster.url(i)));
    await sleep(300);

    for (let n = 0; n < 2; n++) {
      const i = await cluster.join(0);
      await caughtUp(cluster, i, 0);
      await promoted(cluster, await memberId(cluster, i));
      load.targets.push(cluster.url(i));
    }
    expect((await membersSeenBy(cluster, 0)).map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);

    // Shrink: the leader first (it hands over and stops), then a founding follower.
    const leader = await cluster.waitForLeader();
    const follower = [0, 1, 2].find((i) => i !== leader)!;
    for (const gone of [leader, follower]) {
      const via = [0, 1, 2, 3, 4].find((i) => i !== leader && i !== follower)!;
      load.targets = load.targets.filter((u) => u !== cluster.url(gone));
      expect(await remove(cluster, via, await memberId(cluster, gone))).toBe(204);
      expect(await cluster.exited(gone)).toBe(1);
      expect(cluster.logs(gone)).toMatch(/permanently removed from the cluster/);
    }
    await sleep(500);
    await load.stop();

    const remaining = [0, 1, 2, 3, 4].filter((i) => i !== leader && i !== follower);
    await cluster.waitForLeader();
    for (const i of remaining) {
      expect((await membersSeenBy(cluster, i)).length).toBe(3);
      await caughtUp(cluster, i, remaining[0]!);
    }
    expect(load.acked.length).toBeGreaterThan(50);
    for (const i of remaining) {
      const keys = await keysOn(cluster.url(i), '/load');
      const lost = load.acked.filter((k) => !keys.has(k));
      expect(lost, `acknowledged writes missing on ${cluster.members[i]!.name}`).toEqual([]);
    }
    // Losing the leader costs at most one election's worth of failed writes.
    expect(load.failureSpanMs(), JSON.stringify(load.failures.slice(0, 5))).toBeLessThan(3000);
  }, 2 * CLUSTER_TEST_MS);
});

describe('replacing a dead member with etcdctl', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  useCluster({ size: 3 }, (started) => (cluster = started));

  it('removes a killed member, adds a new one on a new data dir that catches up, and refuses the old one when it restarts', async () => {
    for (let k = 0; k < 30; k++) expect((await v2(cluster.url(0), 'PUT', `/before/k${k}`, { value: `v${k}` })).status).toBe(201);
    const dead = 2;
    const deadId = await memberId(cluster, dead);
    await cluster.kill(dead);
    await cluster.waitForLeader();

    const removed = await etcdctl(cluster, 0, 'member', 'remove', deadId);
    expect(removed.stdout.trim()).toBe(`Removed member ${deadId} from cluster`);

    const { slot, stdout } = await addWithEtcdctl(cluster, 0);
    const fresh = cluster.members[slot]!;
    expect(stdout).toMatch(new RegExp(`^Added member named ${fresh.name} with ID [0-9a-f]+ to cluster\\n`));
    expect(stdout).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
    expect(fresh.joinCluster!.split(',').sort()).toEqual(
      [cluster.members[0]!, cluster.members[1]!, fresh].map((m) => `${m.name}=${m.peerUrl}`).sort(),
    );

    await caughtUp(cluster, slot, 0);
    expect((await v2(fresh.clientUrl, 'GET', '/before/k29')).body.node.value).toBe('v29');
    expect((await v2(fresh.clientUrl, 'PUT', '/after', { value: 'through the new member' })).status).toBe(201);
    await waitFor('the new member to publish its client URL', async () => (await etcdctl(cluster, 0, 'member', 'list')).stdout.includes(`name=${fresh.name} peerURLs=${fresh.peerUrl} clientURLs=${fresh.clientUrl}`), CLUSTER_WAIT_MS, cluster.recentOutput);
    const list = (await etcdctl(cluster, 0, 'member', 'list')).stdout.trim().split('\n');
    expect(list).toHaveLength(3);
    expect(list.join('\n')).not.toContain(deadId);

    // The old member comes back on its old data: the cluster refuses it and it exits.
    cluster.spawn(dead);
    expect(await cluster.exited(dead)).toBe(1);
    expect(cluster.logs(dead)).toMatch(/the member has been permanently removed from the cluster/);
  });
});

describe('membership requests etcd refuses', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  useCluster({ size: 3 }, (started) => (cluster = started));

  it('answers 409 for a peer URL in use, 404 for an unknown id, 410 for a removed one', async () => {
    const post = await fetch(`${cluster.url(0)}/v2/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peerURLs: [cluster.members[1]!.peerUrl] }),
    });
    expect(post.status).toBe(409);
    expect(await post.json()).toEqual({ message: 'membership: peerURL exists' });

    const unknown = await fetch(`${cluster.url(0)}/v2/members/1234abcd`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'No such member: 1234abcd' });

    const slot = await cluster.join(0);
    await caughtUp(cluster, slot, 0);
    const id = await memberId(cluster, slot);
    expect(await remove(cluster, 0, id)).toBe(204);
    const again = await fetch(`${cluster.url(1)}/v2/members/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(410);
    expect(await again.json()).toEqual({ message: `Member permanently removed: ${id}` });
  });

  it('updates a member\'s peer URLs with etcdctl member update, seen by every member', async () => {
    // Move a follower: a leader whose followers cannot answer it would step down mid-test.
    const leader = await cluster.waitForLeader();
    const target = [0, 1, 2].find((i) => i !== leader)!;
    const other = [0, 1, 2].find((i) => i !== leader && i !== target)!;
    const id = await memberId(cluster, target);
    const moved = 'http://127.0.0.1:1';
    const updated = await etcdctl(cluster, leader, 'member', 'update', id, moved);
    expect(updated.stdout.trim()).toBe(`Updated member with ID ${id} in cluster`);
    const peerURLOn = async (i: number): Promise<string | undefined> => (await membersSeenBy(cluster, i)).find((m) => m.id === id)?.peerURLs[0];
    // The moved member itself may not hear of it: nobody can reach it at an address it does not listen on.
    for (const i of [leader, other]) await waitFor(`member ${i} to see the new peer URL`, async () => (await peerURLOn(i)) === moved, CLUSTER_WAIT_MS, cluster.recentOutput);
    // Put it back: the member is reachable again and every member ends with the same list.
    await etcdctl(cluster, leader, 'member', 'update', id, cluster.members[target]!.peerUrl);
    for (const i of [0, 1, 2]) await waitFor(`member ${i} to see the peer URL back`, async () => (await peerURLOn(i)) === cluster.members[target]!.peerUrl, CLUSTER_WAIT_MS, cluster.recentOutput);
    expect((await v2(cluster.url(leader), 'PUT', '/after-update', { value: 'x' })).status).toBe(201);
    await caughtUp(cluster, target, leader);
  });

  it('refuses a member that comes back without its data under its old id', async () => {
    const lost = 2;
    const m = cluster.members[lost]!;
    await cluster.kill(lost);
    rmSync(m.dataDir, { recursive: true, force: true });
    m.joinCluster = cluster.members.slice(0, 3).map((x) => `${x.name}=${x.peerUrl}`).join(',');
    cluster.spawn(lost);
    expect(await cluster.exited(lost)).toBe(1);
    expect(cluster.logs(lost)).toMatch(/member m3 has run before and has lost its data: remove it/);
  });
});
