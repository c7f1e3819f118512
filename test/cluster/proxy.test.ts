// raftkv's v2 proxy (--proxy on|readonly) in front of three real raftkv members: clients write
// and watch through it while the member it uses is killed; readonly refusals; a restarted proxy
// finding its cluster in <data-dir>/proxy/cluster; and a real etcd proxy in front of the same
// cluster answering a handful of requests as raftkv's does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { call, Etcd } from '../clients/support/node-etcd.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { startProxy, waitForEndpoints } from './proxy-process.js';
import type { ProxyProcess } from './proxy-process.js';

/** Status, body and headers (minus the connection's own and Date), comparable across proxies. */
async function answerOf(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const headers = [...res.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(headers) };
}

describe('the v2 proxy in front of three raftkv members', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  const proxies: ProxyProcess[] = [];

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3 });
  });
  afterAll(async () => {
    for (const p of proxies) await p.running.kill();
    await cluster?.stop();
  });

  async function proxy(...args: Parameters<typeof startProxy>): Promise<ProxyProcess> {
    const p = await startProxy(...args);
    proxies.push(p);
    return p;
  }

  it('answers as a real etcd proxy does, in front of the same members', async () => {
    const ours = await proxy(cluster);
    const etcds = await proxy(cluster, { server: 'etcd' });
    const readonly = await proxy(cluster, { mode: 'readonly' });
    const etcdReadonly = await proxy(cluster, { server: 'etcd', mode: 'readonly' });
    for (const p of [ours, etcds, readonly, etcdReadonly]) await waitForEndpoints(p, 3, CLUSTER_WAIT_MS);
    await fetch(`${ours.url}/v2/keys/cmp?prevExist=false`, { method: 'PUT', body: new URLSearchParams({ value: 'v' }) });
    // Every member has applied the write before the two proxies (on different members) are asked.
    await waitFor('every member to have /cmp', async () => {
      for (const m of cluster.members) if ((await fetch(`${m.clientUrl}/v2/keys/cmp`)).status !== 200) return false;
      return true;
    }, CLUSTER_WAIT_MS);
    const requests: [string, RequestInit?][] = [
      ['/v2/keys/cmp'],
      ['/v2/keys/missing'],
      ['/v2/keys/cmp?prevExist=false', { method: 'PUT', body: new URLSearchParams({ value: 'w' }) }],
      ['/v2/keys/cmp', { method: 'OPTIONS' }],
      ['//v2/keys/cmp'],
      ['/version'],
      ['/v2/members'],
      ['/v2/config/local/proxy', { method: 'PUT' }],
    ];
    for (const [path, init] of requests) {
      expect(await answerOf(`${ours.url}${path}`, init), `${init?.method ?? 'GET'} ${path}`).toEqual(await answerOf(`${etcds.url}${path}`, init));
    }
    const put = { method: 'PUT', body: new URLSearchParams({ value: 'x' }) };
    const refused = await answerOf(`${readonly.url}/v2/keys/cmp`, put);
    expect(refused).toEqual({ status: 501, body: '', headers: { 'content-length': '0' } });
    expect(refused).toEqual(await answerOf(`${etcdReadonly.url}/v2/keys/cmp`, put));
    expect((await answerOf(`${readonly.url}/v2/keys/cmp`)).body).toContain('"value":"v"');
  });

  it('keeps clients going when the member it uses is killed: writes, a watch and etcdctl', async () => {
    // A long refresh interval keeps the order fixed: the first endpoint is the one in use.
    const p = await proxy(cluster, { flags: ['--proxy-refresh-interval', '600000', '--proxy-failure-wait', '600000'] });
    await waitForEndpoints(p, 3, CLUSTER_WAIT_MS);
    const [inUse] = await p.endpoints();
    const victim = cluster.members.findIndex((m) => m.clientUrl === inUse);
    const etcd = new Etcd([p.url]);
    // --no-sync: etcdctl would otherwise ask the proxy only for /v2/members, then talk to the members.
    const etcdctl = new Etcdctl([p.url], ['--no-sync']);

    expect((await call(etcd, 'set', '/failover/before', '1')).err).toBeNull();
    const { body: current } = await call(etcd, 'get', '/failover/before');
    const seen: string[] = [];
    const watcher = etcd.watcher('/failover', current.node.modifiedIndex + 1, { recursive: true });
    watcher.on('change', (e: any) => seen.push(e.node.key));

    await cluster.kill(victim);
    await cluster.waitForLeader(CLUSTER_WAIT_MS, cluster.members.map((_, i) => i).filter((i) => i !== victim));
    for (let i = 0; i < 5; i++) {
      const { err } = await call(etcd, 'set', `/failover/after-${i}`, String(i));
      expect(err, `write ${i} through the proxy`).toBeNull();
    }
    const set = await etcdctl.run('set', '/failover/etcdctl', 'yes');
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('yes\n');
    expect((await etcdctl.run('get', '/failover/after-4')).stdout).toBe('4\n');
    expect(await p.endpoints()).not.toContain(inUse);

    const expected = [...Array.from({ length: 5 }, (_, i) => `/failover/after-${i}`), '/failover/etcdctl'];
    await waitFor('the watch through the proxy to see every write after the kill', () => expected.every((k) => seen.includes(k)), CLUSTER_WAIT_MS, () => JSON.stringify(seen));
    watcher.stop();
    await cluster.restart(victim);
  });

  it('streams stream=true watches through as events happen', async () => {
    const p = await proxy(cluster);
    await waitForEndpoints(p, 3, CLUSTER_WAIT_MS);
    const res = await fetch(`${p.url}/v2/keys/streamed?wait=true&stream=true`);
    const reader = res.body!.getReader();
    await fetch(`${p.url}/v2/keys/streamed`, { method: 'PUT', body: new URLSearchParams({ value: 'one' }) });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event through the proxy within the wait')), CLUSTER_WAIT_MS).unref());
    const first = new TextDecoder().decode((await Promise.race([reader.read(), timeout])).value);
    expect(JSON.parse(first)).toMatchObject({ action: 'set', node: { key: '/streamed', value: 'one' } });
    await reader.cancel();
  });

  it('starts again from the cluster it remembered, whatever --initial-cluster says', async () => {
    const first = await proxy(cluster);
    await waitForEndpoints(first, 3, CLUSTER_WAIT_MS);
    await first.running.kill();
    // Nothing listens at this peer URL: only the cluster file can lead the proxy to the members.
    const again = await proxy(cluster, { dataDir: first.dataDir, peerUrls: ['http://127.0.0.1:9'] });
    await waitForEndpoints(again, 3, CLUSTER_WAIT_MS);
    expect((await fetch(`${again.url}/v2/keys/cmp`)).status).toBe(200);
  });
});
