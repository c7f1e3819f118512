// Bootstrapping through etcd's v2 discovery protocol with real processes: a discovery URL served
// by a raftkv member's own key space, the real discovery service (Debian's etcd-discovery,
// /usr/bin/discovery.etcd.io) with raftkv as its backend, real etcd members discovering through
// raftkv, and members beyond the cluster's size.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/harness/free-ports.js';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { formatId, memberIdFor } from '../../src/server/ids.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { newToken } from './discovery-token.js';

interface Members {
  members: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[];
}

async function membersOf(url: string): Promise<Members['members']> {
  return ((await (await fetch(`${url}/v2/members`)).json()) as Members).members;
}

/** Every member lists the same three members by name and peer URL, ids as etcd derives them; a write reaches all. */
async function expectOneCluster(cluster: ProcessCluster, token: string): Promise<void> {
  const expected = cluster.members
    .map((m) => ({ id: formatId(memberIdFor([m.peerUrl], token)), name: m.name, peerURLs: [m.peerUrl], clientURLs: [m.clientUrl] }))
    .sort((a, b) => a.id.localeCompare(b.id));
  for (let i = 0; i < cluster.size; i++) {
    await waitFor(`${cluster.members[i]!.name} to list every member with its name`, async () => {
      const listed = (await membersOf(cluster.url(i))).sort((a, b) => a.id.localeCompare(b.id));
      return JSON.stringify(listed) === JSON.stringify(expected);
    }, CLUSTER_WAIT_MS, cluster.recentOutput);
  }
  expect((await v2(cluster.url(0), 'PUT', '/discovered', { value: 'yes' })).status).toBe(201);
  for (let i = 0; i < cluster.size; i++) {
    await waitFor(`the write to reach ${cluster.members[i]!.name}`, async () => (await v2(cluster.url(i), 'GET', '/discovered')).body?.node?.value === 'yes', CLUSTER_WAIT_MS, cluster.recentOutput);
  }
}

describe('discovery bootstrap', { timeout: 2 * CLUSTER_TEST_MS }, () => {
  let backend: ProcessCluster;
  const clusters: ProcessCluster[] = [];
  const services: ChildProcess[] = [];
  beforeAll(async () => {
    backend = await ProcessCluster.start({ size: 1, label: 'raftkv-discovery-backend' });
  });
  afterAll(async () => {
    for (const service of services) service.kill('SIGKILL');
    await Promise.all([...clusters, backend].map((c) => c?.stop()));
  });

  async function discovered(url: string, options: Partial<Parameters<typeof ProcessCluster.create>[0]> = {}): Promise<ProcessCluster> {
    const cluster = await ProcessCluster.create({ size: 3, label: 'raftkv-discovered', discovery: url, ...options });
    clusters.push(cluster);
    await cluster.startAll();
    return cluster;
  }

  it('three members bootstrap from a token served by a raftkv member, registered as etcd registers', async () => {
    const url = await newToken(backend.url(0), 'direct', 3);
    const cluster = await discovered(url);
    await expectOneCluster(cluster, url);
    // Each registration is `name=peerURL` under the id etcd would give the member alone, token = URL.
    const registry = (await v2(backend.url(0), 'GET', '/_etcd/registry/direct', { recursive: true, sorted: true })).body.node.nodes;
    const registered = registry.filter((n: { key: string }) => !n.key.endsWith('/_config')).map((n: { key: string; value: string }) => [n.key, n.value]);
    expect(registered.sort()).toEqual(cluster.members.map((m) => [`/_etcd/registry/direct/${formatId(memberIdFor([m.peerUrl], url))}`, `${m.name}=${m.peerUrl}`]).sort());

    // A member restarted with its data ignores discovery (the token is gone, and it still starts).
    expect((await v2(backend.url(0), 'DELETE', '/_etcd/registry/direct', { recursive: true })).status).toBe(200);
    await cluster.restart(1);
    expect(cluster.logs(1)).toMatch(/discovery is ignored since the member has already been initialized/);
  });

  it("a member beyond the cluster's size exits with etcd's message under --discovery-fallback exit, and by default becomes a proxy of the cluster", async () => {
    const url = await newToken(backend.url(0), 'full', 1);
    const members = await discovered(url, { size: 1 });
    const exit = await ProcessCluster.create({ size: 1, label: 'raftkv-discovery-extra', discovery: url, extraFlags: ['--discovery-fallback', 'exit'] });
    const proxy = await ProcessCluster.create({ size: 1, label: 'raftkv-discovery-extra', discovery: url });
    clusters.push(exit, proxy);
    exit.spawn(0);
    proxy.spawn(0);
    expect(await exit.exited(0)).toBe(1);
    expect(exit.logs(0)).toContain('failed to join discovery cluster (discovery: cluster is full)');
    expect(exit.logs(0)).toContain(`discovery token ${url} was used, but failed to bootstrap the cluster.`);
    await waitFor('the extra member to serve as a proxy', () => proxy.logs(0).includes('v2 proxy serving client requests'), CLUSTER_WAIT_MS, () => proxy.logs(0).slice(-3000));
    expect(proxy.logs(0)).toMatch(/discovery cluster is full, falling back to proxy/);
    // A write through the proxy lands in the discovered cluster.
    expect((await v2(proxy.url(0), 'PUT', '/through-proxy', { value: 'yes' })).status).toBe(201);
    expect((await v2(members.url(0), 'GET', '/through-proxy', { quorum: true })).body.node.value).toBe('yes');
  });

  it("three members bootstrap through the real discovery service (etcd-discovery) backed by raftkv", async () => {
    const port = await freePort();
    const host = `http://127.0.0.1:${port}`;
    const service = spawn('/usr/bin/discovery.etcd.io', ['--etcd', backend.url(0), '--host', host, '--addr', `127.0.0.1:${port}`], { stdio: 'ignore' });
    services.push(service);
    let url = '';
    await waitFor('the discovery service to hand out a token', async () => {
      const res = await fetch(`${host}/new?size=3`).catch(() => undefined);
      url = res?.ok ? (await res.text()).trim() : '';
      return url.startsWith(`${host}/`);
    }, CLUSTER_WAIT_MS);
    const cluster = await discovered(url);
    await expectOneCluster(cluster, url);
  });

  it('real etcd members bootstrap through a raftkv-backed discovery URL', async () => {
    const url = await newToken(backend.url(0), 'for-etcd', 3);
    const cluster = await discovered(url, { server: { command: 'etcd', args: ['--enable-v2'] }, label: 'etcd-discovered' });
    await expectOneCluster(cluster, url);
  });
});
