// Three raftkv processes whose peer URLs are https with --peer-client-cert-auth and an allowed CN:
// raft traffic, a member added at runtime and a key written through one member and read on
// another all cross TLS. A would-be member whose certificate comes from another CA, and one with a
// good CA but the wrong common name, are refused by the members (and logged), cannot join, and
// the cluster keeps serving throughout.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { makeCa } from '../support/certs.js';
import type { TestCa } from '../support/certs.js';

const PEER_CN = 'raftkv-peer';

let ca: TestCa;
let otherCa: TestCa;
/** Member name → certificate source: the cluster's CA with PEER_CN unless a test says otherwise. */
const misfits = new Map<string, () => { cert: string; key: string }>();
let cluster: ProcessCluster;

function peerFlags(name: string): string[] {
  const files = misfits.get(name)?.() ?? ca.issue(name, { cn: PEER_CN });
  return ['--peer-cert-file', files.cert, '--peer-key-file', files.key, '--peer-trusted-ca-file', ca.cert,
    '--peer-client-cert-auth', '--peer-cert-allowed-cn', PEER_CN];
}

async function put(i: number, key: string, value: string): Promise<number> {
  const res = await cluster.fetch(`${cluster.url(i)}/v2/keys/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `value=${value}`,
  });
  return res.status;
}

async function quorumGet(i: number, key: string): Promise<unknown> {
  const res = await cluster.fetch(`${cluster.url(i)}/v2/keys/${key}?quorum=true`);
  return ((await res.json()) as { node?: { value?: string } }).node?.value;
}

/** Every running founding member logged a refusal of a peer connection with `reason`. */
function refusedBy(reason: string): boolean {
  return [0, 1, 2].some((i) => cluster.logs(i).includes('refused peer connection') && cluster.logs(i).includes(reason));
}

beforeAll(async () => {
  ca = makeCa('cluster-ca');
  otherCa = makeCa('other-ca');
  cluster = await ProcessCluster.start({ size: 3, label: 'raftkv-peer-tls', peerTls: peerFlags });
}, CLUSTER_TEST_MS);

afterAll(async () => {
  await cluster?.stop();
  for (const dir of [ca?.dir, otherCa?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('peer TLS with client certificate authentication', () => {
  it('replicates over TLS: a write through one member is read by quorum on the others', async () => {
    expect(cluster.members.every((m) => m.peerUrl.startsWith('https://'))).toBe(true);
    expect(await put(0, 'tls-peers', 'one')).toBe(201);
    expect(await quorumGet(1, 'tls-peers')).toBe('one');
    expect(await quorumGet(2, 'tls-peers')).toBe('one');
  }, CLUSTER_TEST_MS);

  it.each([
    ['another CA', 'client certificate not trusted', (name: string) => () => otherCa.issue(name, { cn: PEER_CN })],
    ['a CN that is not allowed', 'client certificate not allowed', (name: string) => () => ca.issue(name, { cn: 'intruder' })],
  ])('refuses a member whose certificate has %s; the cluster keeps serving', async (_what, reason, certFor) => {
    const name = `m${cluster.size + 1}`;
    misfits.set(name, certFor(name));
    const i = await cluster.join(0);
    expect(cluster.members[i]!.name).toBe(name);
    // It asks a founding member who it is, over the peer port: the handshake is refused, so it cannot start.
    expect(await cluster.exited(i), 'a refused member exits 1').toBe(1);
    expect(cluster.logs(i)).toContain('could not join the cluster');
    await waitFor(`a founding member to log "${reason}" for ${name}`, () => refusedBy(reason), CLUSTER_WAIT_MS, () => cluster.logs(0).slice(-3000));
    for (let m = 0; m < 3; m++) {
      expect(await put(m, `after-${name}`, `v${m}`)).toBe(200 + (m === 0 ? 1 : 0));
    }
    expect(await quorumGet(2, `after-${name}`)).toBe('v2');
    const founders = cluster.members.slice(0, 3).map((m) => m.name);
    expect(cluster.crashes.filter((c) => founders.includes(c.member)), 'no founding member dies').toEqual([]);
  }, CLUSTER_TEST_MS);
});
