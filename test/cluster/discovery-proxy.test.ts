// The CoreOS layout end to end, with real processes: three raftkv members bootstrap through a
// discovery URL (served by a separate one-member raftkv), a fourth started with the same URL finds
// the cluster full and becomes its proxy (etcd's default fallback), and clients use only the
// proxy: node-etcd writing without pause and watching, and `etcdctl watch --forever`. The member
// the proxy uses is killed (kill -9) mid-stream. The writer notices at most the one request in
// flight (and sends it again), both watches see every write made after the kill, and every
// acknowledged write reads back by quorum from a surviving member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { call, Etcd } from '../clients/support/node-etcd.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { newToken } from './discovery-token.js';
import { proxyAt, waitForEndpoints } from './proxy-process.js';
import type { ProxyView } from './proxy-process.js';

/** Times one write may be sent before the writer gives up: the kill may cost one, a busy machine another. */
const ATTEMPTS = 5;

describe('discovery, a fallback proxy and a client through it while its member is killed', { timeout: CLUSTER_TEST_MS }, () => {
  let backend: ProcessCluster;
  let cluster: ProcessCluster;
  let fallback: ProcessCluster;
  let proxy: ProxyView;

  beforeAll(async () => {
    backend = await ProcessCluster.start({ size: 1, label: 'raftkv-discovery-backend' });
    const url = await newToken(backend.url(0), 'e2e', 3);
    cluster = await ProcessCluster.create({ size: 3, label: 'raftkv-discovered', discovery: url });
    await cluster.startAll();
    // The fourth machine runs the very same command. A long refresh interval and failure wait keep
    // the proxy's order fixed: its first endpoint is the member in use, and a dead one stays out.
    fallback = await ProcessCluster.create({
      size: 1, label: 'raftkv-discovery-fourth', discovery: url,
      extraFlags: ['--proxy-refresh-interval', '600000', '--proxy-failure-wait', '600000'],
    });
    fallback.spawn(0);
    proxy = proxyAt(fallback.url(0), () => fallback.outputTail(0, 30));
    await waitFor('the fourth member to fall back to proxy', () => fallback.logs(0).includes('v2 proxy serving client requests'), CLUSTER_WAIT_MS, proxy.explain);
    expect(fallback.logs(0)).toMatch(/discovery cluster is full, falling back to proxy/);
    await waitForEndpoints(proxy, 3, CLUSTER_WAIT_MS);
  }, CLUSTER_TEST_MS);

  afterAll(async () => {
    await Promise.all([fallback, cluster, backend].map((c) => c?.stop()));
  });

  it('loses no acknowledged write, and the watches see every write after the kill', async () => {
    expect(await proxy.endpoints()).toEqual(expect.arrayContaining(cluster.clientUrls()));
    const [inUse] = await proxy.endpoints();
    const victim = cluster.members.findIndex((m) => m.clientUrl === inUse);
    const survivor = (victim + 1) % cluster.size;
    const etcd = new Etcd([proxy.url]);

    const first = await call(etcd, 'set', '/e2e/first', 'before');
    expect(first.err).toBeNull();
    const from = first.body.node.modifiedIndex as number;
    const watchedByNode: string[] = [];
    const watcher = etcd.watcher('/e2e', from + 1, { recursive: true });
    watcher.on('change', (e: any) => watchedByNode.push(e.node.key));
    // --no-sync keeps etcdctl on the proxy: it would otherwise ask it only for /v2/members, then use the members.
    const etcdctlWatch = new Etcdctl([proxy.url], ['--no-sync']).start('watch', '--forever', '--recursive', '--after-index', String(from), '/e2e');

    // One writer, never pausing: each write is sent again until acknowledged.
    const acked = new Map<string, string>();
    const afterKill: string[] = [];
    const failed: string[] = [];
    let killed = false;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const key = `/e2e/w${i}`;
        if (killed) afterKill.push(key);
        for (let attempt = 1; ; attempt++) {
          const { err } = await call(etcd, 'set', key, `v${i}`);
          if (!err) break;
          failed.push(`${key} (attempt ${attempt}): ${err.message ?? JSON.stringify(err)}`);
          if (attempt === ATTEMPTS) throw new Error(`${key} failed ${ATTEMPTS} times through the proxy:\n${failed.join('\n')}`);
        }
        acked.set(key, `v${i}`);
      }
    })();
    const writerDone = writer.catch((err: Error) => err);

    await waitFor('5 writes through the proxy before the kill', () => acked.size >= 5, CLUSTER_WAIT_MS, proxy.explain);
    await cluster.kill(victim);
    killed = true;
    await waitFor('10 writes through the proxy after the kill', () => afterKill.filter((k) => acked.has(k)).length >= 10, CLUSTER_WAIT_MS,
      () => `failed attempts:\n${failed.join('\n')}\n${proxy.explain()}\n${cluster.recentOutput()}`);
    writing = false;
    const stopped = await writerDone;
    expect(stopped, 'the writer gave up on a write').toBeUndefined();
    expect(failed.length, `at most the request in flight at the kill fails:\n${failed.join('\n')}`).toBeLessThanOrEqual(1);
    expect(await proxy.endpoints()).not.toContain(inUse);

    const written = afterKill.filter((k) => acked.has(k));
    await waitFor('node-etcd\'s watch through the proxy to see every write after the kill', () => written.every((k) => watchedByNode.includes(k)),
      CLUSTER_WAIT_MS, () => `missing: ${written.filter((k) => !watchedByNode.includes(k)).join(' ')}`);
    await waitFor('etcdctl\'s watch through the proxy to print every write after the kill', () => written.every((k) => etcdctlWatch.stdout().includes(`[set] ${k}\n`)),
      CLUSTER_WAIT_MS, () => `stdout:\n${etcdctlWatch.stdout()}\nstderr:\n${etcdctlWatch.stderr()}`);
    watcher.stop();
    expect(etcdctlWatch.proc.exitCode, `etcdctl watch --forever kept going; stderr: ${etcdctlWatch.stderr()}`).toBeNull();
    expect((await etcdctlWatch.kill()).stderr).toBe('');

    // Every acknowledged write is there, by quorum, on a member the proxy did not use.
    const read = await v2(cluster.url(survivor), 'GET', '/e2e', { recursive: true, quorum: true });
    expect(read.status).toBe(200);
    const stored = new Map<string, string>(read.body.node.nodes.map((n: { key: string; value: string }) => [n.key, n.value]));
    const lost = [...acked].filter(([key, value]) => stored.get(key) !== value);
    expect(lost, 'acknowledged writes missing or changed').toEqual([]);
  });
});
