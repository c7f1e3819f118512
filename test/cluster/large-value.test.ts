// etcd takes a v2 value up to Go's 10 MiB form limit: one that size must go through raft (msgpack
// entries, peer frames, LevelDB batches) to every member of a real cluster and read back whole.
import { describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';

const VALUE_BYTES = 9_900_000;
const READ_MS = 60_000;

describe('a value near the v2 limit on a three-member cluster of real processes', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  useCluster({ size: 3 }, (started) => (cluster = started));

  it('is committed, and every member serves it whole', async () => {
    const value = 'v'.repeat(VALUE_BYTES - 1) + 'e';
    const leader = await cluster.waitForLeader();
    const put = await v2(cluster.url((leader + 1) % 3), 'PUT', '/large/value', { value }, READ_MS);
    expect(put.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const res = await v2(cluster.url(i), 'GET', '/large/value', { quorum: true }, READ_MS);
      expect(res.status, `m${i + 1}`).toBe(200);
      expect(res.body.node.value.length, `m${i + 1}`).toBe(VALUE_BYTES);
      expect(res.body.node.value === value, `m${i + 1}`).toBe(true);
    }
  });
});
