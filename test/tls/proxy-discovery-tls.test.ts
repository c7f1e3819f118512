// Discovery and the v2 proxy over TLS, with real processes. The discovery URL is https, served by a
// one-member raftkv with a certificate from the test CA. As etcd 3.4 (v2discovery builds its
// transport from an empty TLSInfo), the discovery client ignores the peer and client TLS flags and
// trusts the system roots, which SSL_CERT_FILE replaces: a member trusting the CA only through
// --peer-trusted-ca-file cannot reach the service, real etcd alike, and with SSL_CERT_FILE both
// bootstrap. Three raftkv members with https client and peer URLs (client-certificate auth on
// both) bootstrap that way; a proxy with an https client URL and --client-cert-auth asks them
// /members over the TLS peer port and forwards etcdctl's requests with its client certificate, a
// client without a certificate is refused at the proxy, and a proxy listening on http dials the
// members with its --peer-* files.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import type { ProcessClusterOptions } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { newToken } from '../cluster/discovery-token.js';
import { startProxy, waitForEndpoints } from '../cluster/proxy-process.js';
import type { ProxyProcess } from '../cluster/proxy-process.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { makeCa } from '../support/certs.js';
import type { TestCa } from '../support/certs.js';

/** What each side's TLS library says of a certificate from a CA it does not trust. */
const UNKNOWN_CA = /x509: certificate signed by unknown authority|unable to verify the first certificate/;

const ETCD = { command: 'etcd', args: ['--enable-v2'] };

let ca: TestCa;
let backend: ProcessCluster;
const started: ProcessCluster[] = [];
const proxies: ProxyProcess[] = [];

/** --peer-* flags with a certificate of the test CA, named for the cluster and member. */
function peerFlags(label: string): (name: string) => string[] {
  return (name) => {
    const peer = ca.issue(`${label}-peer-${name}`);
    return ['--peer-cert-file', peer.cert, '--peer-key-file', peer.key, '--peer-trusted-ca-file', ca.cert, '--peer-client-cert-auth'];
  };
}

async function discovered(options: ProcessClusterOptions & { label: string }): Promise<ProcessCluster> {
  const cluster = await ProcessCluster.create({ ...options, peerTls: peerFlags(options.label) });
  started.push(cluster);
  return cluster;
}

beforeAll(async () => {
  ca = makeCa();
  const served = ca.issue('discovery-backend');
  // etcd's discovery client presents no certificate, so the service cannot ask for one.
  backend = await ProcessCluster.start({ size: 1, label: 'raftkv-discovery-https', clientTls: { caFile: ca.cert, certFile: served.cert, keyFile: served.key } });
}, CLUSTER_TEST_MS);

afterAll(async () => {
  for (const p of proxies) await p.running.kill();
  await Promise.all([...started, backend].map((c) => c?.stop()));
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
});

describe('an https discovery URL', { timeout: CLUSTER_TEST_MS }, () => {
  it.each([['raftkv', undefined], ['etcd', ETCD]] as const)('%s: the discovery client trusts SSL_CERT_FILE, not the peer TLS flags', async (label, server) => {
    const url = await newToken(backend.url(0), `alone-${label}`, 1, backend.fetch);
    const untrusting = await discovered({ size: 1, label: `${label}-no-roots`, discovery: url, ...(server ? { server } : {}) });
    untrusting.spawn(0);
    await waitFor(`${label} to fail to verify the discovery service's certificate`, () => UNKNOWN_CA.test(untrusting.logs(0)), CLUSTER_WAIT_MS, untrusting.recentOutput);
    expect(untrusting.isRunning(0), 'it keeps retrying, as for an unreachable service').toBe(true);
    await untrusting.stop();

    const trusting = await discovered({ size: 1, label: `${label}-roots`, discovery: url, env: { SSL_CERT_FILE: ca.cert }, ...(server ? { server } : {}) });
    await trusting.startAll();
    const members = (await (await fetch(`${trusting.url(0)}/v2/members`)).json()) as { members: { peerURLs: string[] }[] };
    expect(members.members.map((m) => m.peerURLs)).toEqual([[trusting.members[0]!.peerUrl]]);
  });
});

describe('three members with https client and peer URLs, discovered over https, behind a TLS proxy', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  let client: { cert: string; key: string };
  // --no-sync: etcdctl would otherwise ask the proxy only for /v2/members, then talk to the members.
  const ctlTls = (c?: { cert: string; key: string }): string[] => ['--no-sync', '--ca-file', ca.cert, ...(c ? ['--cert-file', c.cert, '--key-file', c.key] : [])];

  beforeAll(async () => {
    const url = await newToken(backend.url(0), 'tls-three', 3, backend.fetch);
    const member = ca.issue('member');
    client = ca.issue('client');
    cluster = await discovered({
      size: 3, label: 'raftkv-tls-discovered', discovery: url, env: { SSL_CERT_FILE: ca.cert },
      clientTls: { caFile: ca.cert, certFile: member.cert, keyFile: member.key, flags: ['--client-cert-auth', '--trusted-ca-file', ca.cert] },
    });
    await cluster.startAll();
  }, CLUSTER_TEST_MS);

  async function proxy(...args: Parameters<typeof startProxy>): Promise<ProxyProcess> {
    const p = await startProxy(...args);
    proxies.push(p);
    return p;
  }

  it('the members found each other and replicate over TLS', async () => {
    for (let i = 0; i < cluster.size; i++) {
      await waitFor(`${cluster.members[i]!.name} to list three https members`, async () => {
        const { members } = (await (await cluster.fetch(`${cluster.url(i)}/v2/members`)).json()) as { members: { peerURLs: string[]; clientURLs: string[] }[] };
        return members.length === 3 && members.every((m) => m.peerURLs[0]!.startsWith('https://') && m.clientURLs[0]?.startsWith('https://'));
      }, CLUSTER_WAIT_MS, cluster.recentOutput);
    }
    const put = await cluster.fetch(`${cluster.url(0)}/v2/keys/discovered`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=over-tls' });
    expect(put.status).toBe(201);
    const read = await cluster.fetch(`${cluster.url(2)}/v2/keys/discovered?quorum=true`);
    expect(((await read.json()) as { node: { value: string } }).node.value).toBe('over-tls');
  });

  it('an https proxy with --client-cert-auth: /members over the TLS peer port, etcdctl with certificates through it, none without', async () => {
    const own = ca.issue('proxy');
    const p = await proxy(cluster, {
      clientTls: { caFile: ca.cert, certFile: own.cert, keyFile: own.key, flags: ['--client-cert-auth', '--trusted-ca-file', ca.cert] },
      flags: peerFlags('proxy')('p'),
    });
    // Nothing but the peer port's /members, asked over TLS, tells it the members' client URLs.
    await waitForEndpoints(p, 3, CLUSTER_WAIT_MS);
    expect((await p.endpoints()).sort()).toEqual(cluster.clientUrls().sort());

    const ctl = new Etcdctl([p.url], ctlTls(client));
    expect(await ctl.run('set', '/via-proxy/a', 'one')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
    expect(await ctl.run('get', '/via-proxy/a')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
    const read = await cluster.fetch(`${cluster.url(1)}/v2/keys/via-proxy/a?quorum=true`);
    expect(((await read.json()) as { node: { value: string } }).node.value).toBe('one');

    const refused = await new Etcdctl([p.url], ctlTls()).run('get', '/via-proxy/a');
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/remote error: tls: certificate required/);
  });

  it('a proxy listening on http dials the https members with its --peer-* files', async () => {
    const p = await proxy(cluster, { flags: peerFlags('plain-proxy')('p') });
    await waitForEndpoints(p, 3, CLUSTER_WAIT_MS);
    const ctl = new Etcdctl([p.url], ['--no-sync']);
    expect(await ctl.run('set', '/via-proxy/b', 'two')).toEqual({ code: 0, stdout: 'two\n', stderr: '' });
    expect(await ctl.run('get', '/via-proxy/a')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
  });
});
