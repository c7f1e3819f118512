// The raftkv binary with client TLS: --auto-tls makes etcd's certificate in
// <data-dir>/fixtures/client and serves it (and serves it again after a restart); one member
// listens on an http and an https URL at once; a certificate file that cannot be used stops the
// start with a message naming it, before any client is served.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../bench/harness/free-ports.js';
import { CLUSTER_WAIT_MS, RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { spawnedMembers } from '../support/spawned-members.js';
import { makeCa } from '../support/certs.js';
import { send } from './support/tls-request.js';

const root = mkdtempSync(join(tmpdir(), 'raftkv-serve-tls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spawnMember = spawnedMembers();

/** A one-member cluster on fresh ports: its client URLs (by scheme) and the flags that place it. */
async function solo(name: string, schemes: ('http' | 'https')[]): Promise<{ urls: string[]; flags: string[]; dataDir: string }> {
  const [peer, ...client] = await freePorts(1 + schemes.length);
  const urls = schemes.map((scheme, i) => `${scheme}://127.0.0.1:${client[i]}`);
  const peerUrl = `http://127.0.0.1:${peer}`;
  const dataDir = join(root, name);
  return {
    urls,
    dataDir,
    flags: [
      '--name', name, '--data-dir', dataDir,
      '--listen-client-urls', urls.join(','), '--advertise-client-urls', urls.join(','),
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `${name}=${peerUrl}`,
      '--heartbeat-interval', '50', '--election-timeout', '500',
    ],
  };
}

/** The certificate an https URL shows, or undefined if it does not answer /version (yet). */
function certShownBy(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    // Auto TLS: nothing to verify the certificate with, which is what is being looked at.
    const req = request(`${url}/version`, { rejectUnauthorized: false, agent: false, timeout: 2000 }, (res) => {
      resolve((res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256);
      res.resume();
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function servedCert(url: string, output: () => string): Promise<string> {
  let cert: string | undefined;
  await waitFor(`${url} to answer over TLS`, async () => (cert = await certShownBy(url)), CLUSTER_WAIT_MS, output);
  return cert!;
}

describe('raftkv serving client TLS', { timeout: CLUSTER_TEST_MS }, () => {
  it('--auto-tls serves the certificate it made in <data-dir>/fixtures/client, and the same one after a restart', async () => {
    const { urls, flags, dataDir } = await solo('auto', ['https']);
    const first = spawnMember([...flags, '--auto-tls']);
    const fixture = join(dataDir, 'fixtures', 'client', 'cert.pem');
    const made = await servedCert(urls[0]!, first.output);
    expect(made).toBe(new X509Certificate(readFileSync(fixture)).fingerprint256);
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const again = spawnMember([...flags, '--auto-tls']);
    expect(await servedCert(urls[0]!, again.output)).toBe(made);
  });

  it('serves http and https side by side on one member', async () => {
    const ca = makeCa();
    try {
      const server = ca.issue('server');
      const { urls, flags } = await solo('mixed', ['http', 'https']);
      const member = spawnMember([...flags, '--cert-file', server.cert, '--key-file', server.key]);
      const [plain, secure] = urls as [string, string];
      await waitFor('both client URLs to answer', async () => {
        const answers = await Promise.all([send(`${plain}/v2/keys/m`, {}, { method: 'PUT', body: 'value=1' }), send(`${secure}/v2/keys/m`, { ca: ca.cert })].map((p) => p.catch(() => undefined)));
        return answers.every((a) => a !== undefined && a.status < 300);
      }, CLUSTER_WAIT_MS, member.output);
      expect(JSON.parse((await send(`${secure}/v2/keys/m`, { ca: ca.cert })).body).node.value).toBe('1');
      expect(member.output()).toContain(`${plain} is http: --cert-file, --key-file apply only to https URLs and are ignored for it`);
    } finally {
      rmSync(ca.dir, { recursive: true, force: true });
    }
  });

  it('a certificate file that cannot be used stops the start with its name, exit 1', async () => {
    const { flags } = await solo('bad-cert', ['https']);
    const bad = join(root, 'not-a-cert.pem');
    writeFileSync(bad, 'hello\n');
    const run = spawnSync(process.execPath, [RAFTKV_BIN, ...flags, '--cert-file', bad, '--key-file', bad], { encoding: 'utf8', timeout: CLUSTER_WAIT_MS });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`raftkv: certificate file ${bad} is not PEM: it has no CERTIFICATE block`);
  });
});
