import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';

describe('a three-member cluster of real processes', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  const acknowledged = new Map<string, string>();

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function write(member: number, key: string, value: string): Promise<void> {
    const res = await v2(cluster.url(member), 'PUT', key, { value });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    acknowledged.set(key, value);
  }

  async function expectEverywhere(): Promise<void> {
    for (let i = 0; i < cluster.members.length; i++) {
      for (const [key, value] of acknowledged) {
        const res = await v2(cluster.url(i), 'GET', key, { quorum: true });
        expect(res.body?.node?.value, `${key} on m${i + 1}`).toBe(value);
      }
    }
  }

  it('accepts writes through every member and serves them from every member', async () => {
    for (let i = 0; i < 3; i++) await write(i, `/replication/through-${i}`, `v${i}`);
    await expectEverywhere();
  });

  it('a default read on a follower sees a write once it has applied it', async () => {
    const leader = await cluster.waitForLeader();
    const follower = (leader + 1) % 3;
    const put = await v2(cluster.url(leader), 'PUT', '/replication/local-read', { value: 'x' });
    acknowledged.set('/replication/local-read', 'x');
    await waitFor('follower to apply', async () => (await v2(cluster.url(follower), 'GET', '/replication/local-read')).body?.node?.modifiedIndex === put.body.node.modifiedIndex, CLUSTER_WAIT_MS, cluster.recentOutput);
  });

  it('elects a new leader after kill -9 of the leader and keeps taking writes', async () => {
    const oldLeader = await cluster.waitForLeader();
    await cluster.kill(oldLeader);
    const newLeader = await cluster.waitForLeader();
    expect(newLeader).not.toBe(oldLeader);
    for (let i = 0; i < 3; i++) if (i !== oldLeader) await write(i, `/replication/after-kill-${i}`, `k${i}`);
    await cluster.restart(oldLeader);
    await waitFor('restarted member to catch up', async () => (await v2(cluster.url(oldLeader), 'GET', `/replication/after-kill-${newLeader}`)).status === 200, CLUSTER_WAIT_MS, cluster.recentOutput);
    await expectEverywhere();
  });

  it('a write to a member answers only after that member has applied it', async () => {
    for (let i = 0; i < 3; i++) {
      const put = await v2(cluster.url(i), 'PUT', `/replication/applied-${i}`, { value: 'a' });
      acknowledged.set(`/replication/applied-${i}`, 'a');
      const get = await v2(cluster.url(i), 'GET', `/replication/applied-${i}`);
      expect(get.body.node.modifiedIndex).toBe(put.body.node.modifiedIndex);
    }
  });
});
