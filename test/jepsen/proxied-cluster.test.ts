// The fault proxies really carry every peer link, and cutting them partitions the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { v2Request } from './etcd-client.js';
import { ProxiedCluster } from './proxied-cluster.js';

describe('peer links through fault proxies', () => {
  let cluster: ProxiedCluster;
  beforeAll(async () => {
    cluster = await ProxiedCluster.start();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const put = async (i: number, value: string): Promise<number> => {
    const r = await v2Request(cluster.processes.url(i), 'PUT', '/p', { value }, 8000);
    return r.kind === 'answer' ? r.status : -1;
  };

  it('every member dials every other through its proxy, and an isolated leader is replaced', async () => {
    const { processes } = cluster;
    expect(await put(0, 'a')).toBe(201);
    // Members dial each other as they start and back off while a peer is not up yet: on a loaded
    // machine the last link can come up many seconds after the first write.
    const linked = (): boolean => [0, 1, 2].every((to) => [0, 1, 2].every((from) => from === to || cluster.connections(from, to) > 0));
    await waitFor('connections through every proxy from every other member', linked, CLUSTER_WAIT_MS, processes.recentOutput);

    const old = await processes.waitForLeader();
    const others = [0, 1, 2].filter((i) => i !== old);
    cluster.partition([old], others, { kind: 'blackhole' });
    const fresh = await processes.waitForLeader(CLUSTER_WAIT_MS, others);
    expect(others).toContain(fresh);
    expect(await put(others[0]!, 'b')).toBe(200);
    // The cut-off old leader must not answer a quorum read with the old value.
    const read = await v2Request(processes.url(old), 'GET', '/p', { quorum: true }, 2000);
    expect(read.kind === 'answer' ? read.body?.node?.value : 'no answer').not.toBe('a');

    cluster.healNetwork();
    await waitFor('the old leader to catch up', async () => {
      const r = await v2Request(processes.url(old), 'GET', '/p', {}, 2000);
      return r.kind === 'answer' && r.body?.node?.value === 'b';
    }, CLUSTER_WAIT_MS, processes.recentOutput);
    expect(processes.crashes).toEqual([]);
  }, 5 * CLUSTER_WAIT_MS);
});
