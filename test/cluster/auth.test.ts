// v2 auth on a real three-member cluster: the rules are replicated, so every member refuses and
// allows alike — also one restarted on its data, and one that joins later and learns the auth
// state from its leader's snapshot (a small --snapshot-count makes sure it must).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';

const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const ROOT = basic('root', 'pw');
const ALICE = basic('alice', 'apw');
const ANONYMOUS = {};
const SNAPSHOT_COUNT = 20;

interface Answer {
  status: number;
  body: any;
}

async function call(base: string, method: string, path: string, who: Record<string, string>, body?: string, type = 'application/json'): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? who : { ...who, 'content-type': type },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

const setKey = (base: string, key: string, value: string, who: Record<string, string>): Promise<Answer> =>
  call(base, 'PUT', `/v2/keys${key}`, who, `value=${value}`, 'application/x-www-form-urlencoded');

describe('v2 auth on a three-member cluster', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3, snapshotCount: SNAPSHOT_COUNT });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** What member i allows and refuses with auth on and the guest role revoked. */
  async function enforces(i: number): Promise<void> {
    const url = cluster.url(i);
    const who = `${cluster.members[i]!.name} to refuse anonymous writes (it applied the guest revoke)`;
    await waitFor(who, async () => (await setKey(url, '/probe', 'anon', ANONYMOUS)).status === 401, CLUSTER_WAIT_MS, cluster.recentOutput);
    const refused = await setKey(url, '/foo/x', 'anon', ANONYMOUS);
    expect(refused.body).toEqual({ errorCode: 110, message: 'The request requires user authentication', cause: 'Insufficient credentials', index: 0 });
    expect((await call(url, 'GET', '/v2/keys/foo/x', ANONYMOUS)).status).toBe(401);
    const read = await call(url, 'GET', '/v2/keys/foo/x', ALICE);
    expect(read.status).toBe(200);
    expect(read.body.node.value).toBe('root wrote this');
    expect((await setKey(url, '/foo/x', 'alice', ALICE)).body.errorCode).toBe(110);
    expect((await call(url, 'GET', '/v2/keys/other', ALICE)).status).toBe(401);
    expect((await setKey(url, `/root/by-${i}`, 'r', ROOT)).status).toBeLessThan(300);
    expect((await call(url, 'GET', '/v2/auth/users', ANONYMOUS)).status).toBe(401);
    expect((await call(url, 'GET', '/v2/auth/users', ROOT)).body.users.map((u: { user: string }) => u.user)).toEqual(['alice', 'root']);
    expect((await call(url, 'GET', '/v2/keys/foo/x', ANONYMOUS)).body).toMatchObject({ errorCode: 110 });
    const unchanged = await call(url, 'GET', '/v2/keys/foo/x', ROOT);
    expect(unchanged.body.node.value).toBe('root wrote this');
  }

  it('enables auth, and every member enforces it', async () => {
    const url = cluster.url(0);
    expect((await call(url, 'PUT', '/v2/auth/users/root', ANONYMOUS, '{"user":"root","password":"pw"}')).status).toBe(201);
    expect((await call(url, 'PUT', '/v2/auth/roles/reader', ANONYMOUS, '{"role":"reader","permissions":{"kv":{"read":["/foo/*"]}}}')).status).toBe(201);
    expect((await call(cluster.url(1), 'PUT', '/v2/auth/users/alice', ANONYMOUS, '{"user":"alice","password":"apw","roles":["reader"]}')).status).toBe(200);
    expect((await call(cluster.url(2), 'PUT', '/v2/auth/enable', ANONYMOUS)).status).toBe(200);
    expect((await call(url, 'PUT', '/v2/auth/roles/guest', ROOT, '{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}')).status).toBe(200);
    expect((await setKey(url, '/foo/x', 'root wrote this', ROOT)).status).toBe(201);
    for (const i of [0, 1, 2]) await enforces(i);
  });

  it('a restarted member enforces the same rules', async () => {
    await cluster.restart(1);
    await enforces(1);
  });

  it('a member that joins later by snapshot enforces the same rules', async () => {
    for (let n = 0; n < 3 * SNAPSHOT_COUNT; n++) expect((await setKey(cluster.url(0), `/fill/k${n % 5}`, `${n}`, ROOT)).status).toBeLessThan(300);
    const joined = await cluster.join(0, ROOT);
    await waitFor('the new member to install a snapshot', () => /installed snapshot from leader/.test(cluster.logs(joined)), CLUSTER_WAIT_MS, cluster.recentOutput);
    await enforces(joined);
  });

  it('disabling auth opens the keys again on every member', async () => {
    expect((await call(cluster.url(2), 'DELETE', '/v2/auth/enable', ANONYMOUS)).status).toBe(401);
    expect((await call(cluster.url(2), 'DELETE', '/v2/auth/enable', ROOT)).status).toBe(200);
    for (let i = 0; i < cluster.size; i++) {
      const name = `${cluster.members[i]!.name} to take anonymous writes again`;
      await waitFor(name, async () => (await setKey(cluster.url(i), '/foo/x', 'anon', ANONYMOUS)).status === 200, CLUSTER_WAIT_MS, cluster.recentOutput);
      expect((await call(cluster.url(i), 'GET', '/v2/auth/enable', ANONYMOUS)).body).toEqual({ enabled: false });
    }
  });
});
