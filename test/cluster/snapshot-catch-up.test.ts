import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';

const WRITES = 20000;

describe('a member stopped while many writes happen', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3, snapshotCount: 2000 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`catches up through a snapshot after ${WRITES} writes and holds every acknowledged write`, async () => {
    const leader = await cluster.waitForLeader();
    const stopped = (leader + 1) % 3;
    await cluster.kill(stopped);
    const acked = new Set<number>();
    await pool(WRITES, 64, async (i) => {
      const res = await v2(cluster.url(leader), 'PUT', `/bulk/k${i % 500}`, { value: String(i) });
      if (res.status < 300) acked.add(i);
    });
    expect(acked.size).toBe(WRITES);
    const final = await v2(cluster.url(leader), 'GET', '/bulk', { recursive: true });
    const index = Number(final.headers.get('x-etcd-index'));
    cluster.spawn(stopped);
    await waitFor('the stopped member to catch up', async () => Number((await v2(cluster.url(stopped), 'GET', '/bulk')).headers.get('x-etcd-index')) >= index, CLUSTER_WAIT_MS, cluster.recentOutput);
    expect(cluster.logs(stopped)).toMatch(/installed snapshot from leader/);
    const caughtUp = await v2(cluster.url(stopped), 'GET', '/bulk', { recursive: true, sorted: true });
    const leaderView = await v2(cluster.url(leader), 'GET', '/bulk', { recursive: true, sorted: true });
    expect(caughtUp.body.node).toEqual(leaderView.body.node);
    // The last write to each key is the highest i with that remainder.
    const values = new Map(caughtUp.body.node.nodes.map((n: { key: string; value: string }) => [n.key, n.value]));
    for (let k = 0; k < 500; k++) expect(values.get(`/bulk/k${k}`)).toBe(String(WRITES - 500 + k));
  });
});
