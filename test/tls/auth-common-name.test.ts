// v2 auth with client certificates (etcd's TestCtlV2AuthWithCommonName, made stricter): on a
// member serving https with --client-cert-auth, a request with a verified certificate and no
// Basic credentials acts as the user named by the certificate's common name. With the guest
// role's access revoked, alice's certificate writes where her role lets her and nowhere else, and
// a certificate naming no user is anonymous and refused.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { crashedMemberLogs } from '../clients/support/cluster-state.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { makeCa } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';

const refused = { code: 4, stdout: '', stderr: 'Error:  110: The request requires user authentication (Insufficient credentials) [0]\n' };
const ROOT = ['--username', 'root:123'];

let ca: TestCa;
let cluster: ProcessCluster;
const as = (c: CertFiles): Etcdctl => new Etcdctl(cluster.clientUrls(), ['--ca-file', ca.cert, '--cert-file', c.cert, '--key-file', c.key]);

beforeAll(async () => {
  ca = makeCa('auth-ca');
  const member = ca.issue('member');
  cluster = await ProcessCluster.start({
    size: 1,
    label: 'raftkv-auth-cn',
    clientTls: { caFile: ca.cert, certFile: member.cert, keyFile: member.key, flags: ['--client-cert-auth', '--trusted-ca-file', ca.cert] },
  });
}, CLUSTER_TEST_MS);

afterAll(async () => {
  const crashed = cluster ? crashedMemberLogs(cluster) : '';
  await cluster?.stop();
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
  expect(crashed, 'no member dies on its own').toBe('');
});

describe('the client certificate common name as the v2 auth user', { timeout: CLUSTER_TEST_MS }, () => {
  it('lets alice\'s certificate write what her role allows, and nothing else', async () => {
    const alice = as(ca.issue('alice'));
    const admin = as(ca.issue('admin'));
    for (const args of [
      ['role', 'add', 'testrole'],
      ['role', 'grant', 'testrole', '--rw', '--path=/foo'],
      ['user', 'add', 'root:123'],
      ['user', 'add', 'alice:alicepw'],
      ['user', 'grant', 'alice', '--roles', 'testrole'],
      ['auth', 'enable'],
    ]) {
      expect((await admin.run(...args)).code, args.join(' ')).toBe(0);
    }
    // Before the guest role loses its access, anyone may write; after, only users with a role.
    expect((await admin.run('set', 'open', 'x')).code).toBe(0);
    expect((await admin.run(...ROOT, 'role', 'revoke', 'guest', '--path', '/*', '--rw')).code).toBe(0);

    expect(await alice.run('set', 'foo', 'bar')).toEqual({ code: 0, stdout: 'bar\n', stderr: '' });
    expect(await alice.run('set', 'other', 'x')).toEqual(refused);
    expect(await admin.run('set', 'foo', 'intruder')).toEqual(refused);
    expect(await admin.run('set', 'open', 'y')).toEqual(refused);
    // Basic credentials win over the certificate: alice's certificate with root's password is root.
    expect((await alice.run(...ROOT, 'set', 'other', 'by-root')).code).toBe(0);
    expect(await alice.run('get', 'foo')).toEqual({ code: 0, stdout: 'bar\n', stderr: '' });
  });
});
