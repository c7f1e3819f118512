// `raftkv migrate` between an etcd 3.4 and a one-member raftkv that both have v2 auth on (a root
// user, the guest role's key access revoked): without credentials each side refuses, the migration
// says which flags to give and raftkv holds nothing; with them it copies and cuts over, and the
// passwords never reach its output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { startMigrator } from './migrator.js';

const ETCD_PW = 'etcd-secret-pw';
const RAFTKV_PW = 'raftkv-secret-pw';

let etcd: ProcessCluster;
let raftkv: ProcessCluster;

async function authCall(url: string, method: string, path: string, body?: string, password?: string): Promise<number> {
  const headers: Record<string, string> = password === undefined ? {} : { authorization: `Basic ${Buffer.from(`root:${password}`).toString('base64')}` };
  const res = await fetch(url + path, { method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  await res.text();
  return res.status;
}

/** etcdctl's `user add root`, `auth enable`, `role revoke guest` over the v2 API. */
async function enableAuth(url: string, password: string): Promise<void> {
  expect(await authCall(url, 'PUT', '/v2/auth/users/root', JSON.stringify({ user: 'root', password }))).toBe(201);
  expect(await authCall(url, 'PUT', '/v2/auth/enable')).toBe(200);
  expect(await authCall(url, 'PUT', '/v2/auth/roles/guest', JSON.stringify({ role: 'guest', revoke: { kv: { read: ['/*'], write: ['/*'] } } }), password)).toBe(200);
}

beforeAll(async () => {
  [etcd, raftkv] = await Promise.all([
    ProcessCluster.start({ size: 1, server: { command: '/usr/bin/etcd', args: ['--enable-v2'] }, env: { TZ: 'UTC' }, label: 'etcd-auth-source' }),
    ProcessCluster.start({ size: 1, label: 'raftkv-auth-target' }),
  ]);
  // etcd's index must stay ahead of raftkv's, whose auth set-up takes indexes too.
  for (let i = 0; i < 10; i++) await v2(etcd.url(0), 'PUT', `/secured/k${i}`, { value: `v${i}` });
  await v2(etcd.url(0), 'PUT', '/secured/a', { value: 'behind auth' });
  await Promise.all([enableAuth(etcd.url(0), ETCD_PW), enableAuth(raftkv.url(0), RAFTKV_PW)]);
});

afterAll(async () => {
  await Promise.all([etcd?.stop(), raftkv?.stop()]);
});

const migrate = async (...credentials: string[]): Promise<{ code: number | null; stderr: string }> => {
  // --until-index 1: etcd is past it, so the migration cuts over as soon as the copy is in.
  const migrator = startMigrator(['--from', etcd.url(0), '--to', raftkv.url(0), '--until-index', '1', ...credentials]);
  return { code: await migrator.exited, stderr: migrator.stderr() };
};

const raftkvKey = async (key: string): Promise<{ status: number; value?: string }> => {
  const res = await fetch(`${raftkv.url(0)}/v2/keys${key}`, { headers: { authorization: `Basic ${Buffer.from(`root:${RAFTKV_PW}`).toString('base64')}` } });
  const body = (await res.json()) as { node?: { value?: string } };
  return { status: res.status, value: body.node?.value };
};

describe('raftkv migrate with v2 auth on both sides', { timeout: CLUSTER_TEST_MS }, () => {
  it('is refused without credentials, naming the flags, and writes nothing', async () => {
    const anonymous = await migrate();
    expect(anonymous.code, anonymous.stderr).toBe(1);
    expect(anonymous.stderr).toMatch(/etcd at \S+ answered 401 .*--from-user/);

    const noRaftkvRoot = await migrate('--from-user', 'root', '--from-password', ETCD_PW);
    expect(noRaftkvRoot.code, noRaftkvRoot.stderr).toBe(1);
    expect(noRaftkvRoot.stderr).toMatch(/raftkv at \S+ answered 401 .*--to-user/);
    expect(noRaftkvRoot.stderr).not.toContain(ETCD_PW);
    expect((await raftkvKey('/secured/a')).status).toBe(404);
  });

  it('copies and cuts over with both sides\' credentials, which never reach its output', async () => {
    const done = await migrate('--from-user', `root:${ETCD_PW}`, '--to-user', 'root', '--to-password', RAFTKV_PW, '--force');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/cut over at index \d+/);
    expect(done.stderr).not.toContain(ETCD_PW);
    expect(done.stderr).not.toContain(RAFTKV_PW);
    expect(await raftkvKey('/secured/a')).toEqual({ status: 200, value: 'behind auth' });
  });
});
