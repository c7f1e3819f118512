// etcd's e2e TestCtlV2ClusterHealth with the real etcdctl: two of three members killed, the
// survivor still names its old leader for a moment, but /health asks for a quorum read as etcd
// 3.4 does, so it answers 503 {"health":"false"} and etcdctl calls the cluster unavailable.
// Expected outputs are etcd 3.4.23's for the same steps (member ids and URLs are this cluster's).
import { describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { Etcdctl } from './support/etcdctl.js';

describe('etcdctl cluster-health with the quorum lost', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  useCluster({ size: 3 }, (started) => (cluster = started));

  it('healthy, then, with two of three killed, the survivor unhealthy at once and the cluster unavailable', async () => {
    const survivor = await cluster.waitForLeader();
    const ctl = new Etcdctl([cluster.url(survivor)]);
    const { members } = (await getJSON(`${cluster.url(survivor)}/v2/members`)) as { members: { id: string; clientURLs: string[] }[] };
    const healthy = members.map((m) => `member ${m.id} is healthy: got healthy result from ${m.clientURLs[0]}\n`).join('');
    expect(await ctl.run('cluster-health')).toEqual({ code: 0, stdout: `${healthy}cluster is healthy\n`, stderr: '' });

    // The leader survives: it still believes it leads until its check-quorum runs out.
    await Promise.all([0, 1, 2].filter((i) => i !== survivor).map((i) => cluster.kill(i)));
    const res = await fetch(`${cluster.url(survivor)}/health`);
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([503, 'text/plain; charset=utf-8', '{"health":"false"}\n']);

    const expected = members
      .map((m) => {
        const url = m.clientURLs[0]!;
        if (url === cluster.url(survivor)) return `member ${m.id} is unhealthy: got unhealthy result from ${url}\n`;
        const port = new URL(url).port;
        return `failed to check the health of member ${m.id} on ${url}: Get "${url}/health": dial tcp 127.0.0.1:${port}: connect: connection refused\nmember ${m.id} is unreachable: [${url}] are all unreachable\n`;
      })
      .join('');
    expect(await ctl.run('cluster-health')).toEqual({ code: 5, stdout: `${expected}cluster is unavailable\n`, stderr: '' });
  });
});
