// Real etcd v2 clients over TLS against three raftkv processes whose client URLs are https with
// --client-cert-auth and --trusted-ca-file, and whose peers speak TLS to each other with
// --peer-client-cert-auth: etcdctl 3.4, node-etcd and Debian's python3-etcd, each
// with the CA and a client certificate. A client with no certificate, or one from another CA, is
// refused at the handshake; replaced certificate files are served to new connections.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { HANDSHAKE_TIMEOUT_MS } from '../../bin/client-listeners.js';
import { TLS_POLL_MS } from '../../src/tls/file-material.js';
import { crashedMemberLogs, waitForNoWatchers, waitForWatchers } from '../clients/support/cluster-state.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { makeCa, makeSelfSigned } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { clientHello, closedWithin, rawExchange, tcpTo } from './support/raw-socket.js';
import { send } from './support/tls-request.js';

const Etcd = createRequire(import.meta.url)('node-etcd');

/** Debian's python3-etcd is importable only by Debian's python, not by a pyenv python first on PATH. */
const DEBIAN_PYTHON = '/usr/bin/python3';

let ca: TestCa;
let served: CertFiles;
let client: CertFiles;
let stranger: CertFiles;
let cluster: ProcessCluster;
let ctl: Etcdctl;

const ctlTls = (c: CertFiles | undefined): string[] => ['--ca-file', ca.cert, ...(c ? ['--cert-file', c.cert, '--key-file', c.key] : [])];

beforeAll(async () => {
  ca = makeCa();
  const member = ca.issue('member');
  // The members serve copies, which the rotation test replaces.
  served = { cert: join(ca.dir, 'served.crt'), key: join(ca.dir, 'served.key') };
  copyFileSync(member.cert, served.cert);
  copyFileSync(member.key, served.key);
  client = ca.issue('client');
  stranger = makeSelfSigned('stranger', mkdtempSync(join(tmpdir(), 'raftkv-stranger-')));
  cluster = await ProcessCluster.start({
    size: 3,
    label: 'raftkv-tls',
    clientTls: { caFile: ca.cert, certFile: served.cert, keyFile: served.key, flags: ['--client-cert-auth', '--trusted-ca-file', ca.cert] },
    peerTls: (name) => {
      const peer = ca.issue(`peer-${name}`);
      return ['--peer-cert-file', peer.cert, '--peer-key-file', peer.key, '--peer-trusted-ca-file', ca.cert, '--peer-client-cert-auth'];
    },
  });
  ctl = new Etcdctl(cluster.clientUrls(), ctlTls(client));
}, CLUSTER_TEST_MS);

afterAll(async () => {
  const crashed = cluster ? crashedMemberLogs(cluster) : '';
  await cluster?.stop();
  rmSync(ca.dir, { recursive: true, force: true });
  expect(crashed, 'no member dies on its own').toBe('');
});

describe('clients over TLS with client certificate authentication', { timeout: CLUSTER_TEST_MS }, () => {
  it('the client URLs are https', () => {
    expect(cluster.clientUrls().every((u) => u.startsWith('https://127.0.0.1:'))).toBe(true);
  });

  it('etcdctl --ca-file --cert-file --key-file: set, get, ls, watch', async () => {
    expect(await ctl.run('set', '/tls/a', 'one')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
    expect(await ctl.run('get', '/tls/a')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
    expect(await ctl.run('set', '/tls/b', 'two')).toMatchObject({ code: 0 });
    expect(await ctl.run('ls', '/tls')).toEqual({ code: 0, stdout: '/tls/a\n/tls/b\n', stderr: '' });
    await waitForNoWatchers(cluster);
    const watch = ctl.start('watch', '/tls/w');
    await waitForWatchers(cluster, 1);
    expect(await ctl.run('set', '/tls/w', 'seen')).toMatchObject({ code: 0 });
    expect(await watch.exited).toEqual({ code: 0, stdout: 'seen\n', stderr: '' });
  });

  it('etcdctl without a client certificate, or with one from another CA, is refused at the handshake', async () => {
    // etcd (Go 1.19) answers a missing certificate with "bad certificate"; OpenSSL's TLS 1.3 says "certificate required".
    const none = await new Etcdctl(cluster.clientUrls(), ctlTls(undefined)).run('get', '/tls/a');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/remote error: tls: certificate required/);
    // In TLS 1.3 the client is done with its handshake before the server's "unknown ca" alert comes: Go reads a reset.
    const foreign = await new Etcdctl(cluster.clientUrls(), ctlTls(stranger)).run('get', '/tls/a');
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/remote error: tls: |connection reset by peer|EOF/);
    expect(none.stdout + foreign.stdout).toBe('');
  });

  it('node-etcd with its ca, cert and key options', async () => {
    const etcd = new Etcd(cluster.clientUrls(), { ca: readFileSync(ca.cert), cert: readFileSync(client.cert), key: readFileSync(client.key) });
    const call = (method: string, ...args: unknown[]) =>
      new Promise<{ err: any; body: any }>((resolve) => etcd[method](...args, (err: any, body: any) => resolve({ err, body })));
    const set = await call('set', '/tls/node', 'from-node');
    expect(set.err).toBeNull();
    expect(set.body.node.value).toBe('from-node');
    const got = await call('get', '/tls/node');
    expect(got.body.node.value).toBe('from-node');
    const bare = new Etcd(cluster.clientUrls(), { ca: readFileSync(ca.cert) });
    const refused = await new Promise<any>((resolve) => bare.get('/tls/node', (err: any) => resolve(err)));
    expect(refused).toBeTruthy();
    expect(JSON.stringify(refused.errors ?? refused)).toMatch(/certificate required|socket hang up|ECONNRESET/);
  });

  it('python3-etcd with protocol https, cert=(cert, key) and ca_cert', async () => {
    const { hostname, port } = new URL(cluster.url(0));
    const script = `
import sys, etcd
host, port, ca, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
c = etcd.Client(host=host, port=port, protocol='https', cert=(cert, key), ca_cert=ca)
c.write('/tls/py', 'from-python')
print(c.read('/tls/py').value)
print(sorted(n.key for n in c.read('/tls', recursive=True).leaves))
try:
    etcd.Client(host=host, port=port, protocol='https', ca_cert=ca).read('/tls/py')
    print('no certificate: served')
except Exception as e:
    print('no certificate: refused')
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(DEBIAN_PYTHON, ['-c', script, hostname, port, ca.cert, client.cert, client.key], { timeout: CLUSTER_WAIT_MS }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('from-python');
    expect(lines[1]).toContain("'/tls/py'");
    expect(lines[2]).toBe('no certificate: refused');
  });

  it('serves replaced certificate files to new connections, without a restart', async () => {
    const url = `${cluster.url(0)}/version`;
    const before = (await send(url, { ca: ca.cert, client })).serverCert;
    expect(before).toBe(new X509Certificate(readFileSync(served.cert)).fingerprint256);
    const next = ca.issue('member-next');
    const expected = new X509Certificate(readFileSync(next.cert)).fingerprint256;
    for (const [from, to] of [[next.key, served.key], [next.cert, served.cert]] as const) {
      copyFileSync(from, `${to}.new`);
      renameSync(`${to}.new`, to);
    }
    let seen: string | undefined;
    await waitFor(`member 0 to serve the new certificate (its files are checked every ${TLS_POLL_MS} ms)`, async () => {
      seen = (await send(url, { ca: ca.cert, client })).serverCert;
      return seen === expected;
    }, CLUSTER_WAIT_MS, () => `still serving ${seen}\n${cluster.recentOutput()}`);
    expect(await ctl.run('get', '/tls/a')).toEqual({ code: 0, stdout: 'one\n', stderr: '' });
  });

  it('takes garbage, truncated, silent and slow connections on a client port while writes go on, and no member crashes', async () => {
    const target = cluster.url(0);
    const tcpUrl = target.replace('https:', 'http:');
    const hello = await clientHello();
    let writing = true;
    const outcomes = { ok: 0, failed: [] as string[] };
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const answer = await send(`${target}/v2/keys/tls/chaos`, { ca: ca.cert, client }, { method: 'PUT', body: `value=${i}`, timeoutMs: CLUSTER_WAIT_MS })
          .catch((err: Error) => ({ status: 0, body: err.message }));
        if (answer.status === 200 || answer.status === 201) outcomes.ok++;
        else outcomes.failed.push(`${answer.status} ${answer.body}`);
      }
    })();
    const held = await Promise.all(Array.from({ length: 20 }, () => tcpTo(target)));
    const truncated = await Promise.all(Array.from({ length: 20 }, async () => {
      const s = await tcpTo(target);
      s.write(hello.subarray(0, 50));
      return s;
    }));
    const slow = await Promise.all(Array.from({ length: 10 }, () => tcpTo(target)));
    const drip = setInterval(() => slow.forEach((s) => s.writable && s.write(hello.subarray(0, 1))), 500);
    for (let i = 0; i < 20; i++) {
      await rawExchange(tcpUrl, i % 2 ? 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n' : Buffer.alloc(64, i));
    }
    const closed = await Promise.all([...held, ...truncated].map((s) => closedWithin(s, HANDSHAKE_TIMEOUT_MS + CLUSTER_WAIT_MS)));
    clearInterval(drip);
    slow.forEach((s) => s.destroy());
    writing = false;
    await writer;
    expect(closed.every(Boolean), 'silent and truncated handshakes are dropped by the handshake timeout').toBe(true);
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(5);
    expect(cluster.crashes).toEqual([]);
    expect((await send(`${target}/version`, { ca: ca.cert, client })).status).toBe(200);
  });
});
