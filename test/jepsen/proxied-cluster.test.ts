// The fault proxies really carry every peer link, and cutting them partitions the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cluster.js';
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
    const r = await v2Request(cluster.members[i]!.clientUrl, 'PUT', '/p', { value }, 8000);
    return r.kind === 'answer' ? r.status : -1;
  };

  it('every member dials every other through its proxy, and an isolated leader is replaced', async () => {
    expect(await put(0, 'a')).toBe(201);
    const linked = (): boolean =>
      [0, 1, 2].every((j) => [0, 1, 2].every((i) => i === j || (cluster.members[j]!.proxy.connectionsFrom.get(cluster.members[i]!.id) ?? 0) > 0));
    await waitFor(async () => linked(), 5000, 'connections through every proxy from every other member');

    const old = await cluster.waitForLeader();
    const others = [0, 1, 2].filter((i) => i !== old);
    cluster.partition([old], others, { kind: 'blackhole' });
    const fresh = await cluster.waitForLeader(10000, others);
    expect(others).toContain(fresh);
    expect(await put(others[0]!, 'b')).toBe(200);
    // The cut-off old leader must not answer a quorum read with the old value.
    const read = await v2Request(cluster.members[old]!.clientUrl, 'GET', '/p', { quorum: true }, 2000);
    expect(read.kind === 'answer' ? read.body?.node?.value : 'no answer').not.toBe('a');

    cluster.healNetwork();
    await waitFor(async () => {
      const r = await v2Request(cluster.members[old]!.clientUrl, 'GET', '/p', {}, 2000);
      return r.kind === 'answer' && r.body?.node?.value === 'b';
    }, 10000, 'the old leader to catch up');
    expect(cluster.crashes).toEqual([]);
  }, 60000);
});
