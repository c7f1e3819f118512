// `raftkv migrate --from-data-dir` against a real etcd 3.4 (--enable-v2, --snapshot-count 100):
// keys written before and after its v2 snapshot — hidden `_` keys and a hidden directory, a TTL
// key and a refreshed one, one that expires, an in-order queue, compare-and-swaps that hold and
// fail, deletes — are read from the stopped member's snap and WAL files into a fresh
// three-member raftkv. Then each hidden key reads as etcd served it, the recursive listing and
// X-Etcd-Index are etcd's, and raftkv takes writes. A running member's data dir and a directory
// that is not etcd's are refused.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { timeless } from '../support/listing.js';
import { raftkvCli } from '../support/raftkv-cli.js';

/** Writes past etcd's --snapshot-count, so the snapshot holds the early keys and the WAL the rest. */
const SNAPSHOT_COUNT = 100;
const HIDDEN = ['/_early', '/_late', '/dir/_inner', '/_hdir/plain', '/_hdir/_deeper'];

let etcd: ProcessCluster;
let raftkv: ProcessCluster;

beforeAll(async () => {
  // TZ=UTC: etcd prints expirations in its local zone; raftkv always in UTC.
  [etcd, raftkv] = await Promise.all([
    ProcessCluster.start({ size: 1, snapshotCount: SNAPSHOT_COUNT, server: { command: '/usr/bin/etcd', args: ['--enable-v2'] }, env: { TZ: 'UTC' }, label: 'etcd-data-dir' }),
    ProcessCluster.start({ size: 3, label: 'raftkv-from-data-dir' }),
  ]);
});

afterAll(async () => {
  await Promise.all([etcd?.stop(), raftkv?.stop()]);
});

describe('raftkv migrate --from-data-dir', { timeout: CLUSTER_TEST_MS }, () => {
  it('carries a stopped etcd member\'s whole key space, hidden keys too, with its index', async () => {
    const source = etcd.url(0);
    const dataDir = etcd.members[0]!.dataDir;
    const to = raftkv.clientUrls().join(',');
    await v2(source, 'PUT', '/_early', { value: 'hidden, in the snapshot' });
    for (let i = 0; i < SNAPSHOT_COUNT + 20; i++) await v2(source, 'PUT', `/bulk/k${i % 40}`, { value: `v${i}` });
    await v2(source, 'PUT', '/_late', { value: 'hidden, in the WAL' });
    await v2(source, 'PUT', '/dir/_inner', { value: 'hidden in a visible directory' });
    await v2(source, 'PUT', '/dir/seen', { value: 'visible' });
    await v2(source, 'PUT', '/_hdir/plain', { value: 'in a hidden directory' });
    await v2(source, 'PUT', '/_hdir/_deeper', { value: 'hidden twice' });
    await v2(source, 'PUT', '/ttl/long', { value: 'stays', ttl: 600 });
    await v2(source, 'PUT', '/ttl/refreshed', { value: 'kept', ttl: 60 });
    await v2(source, 'PUT', '/ttl/refreshed', { refresh: true, ttl: 900, prevExist: true });
    await v2(source, 'PUT', '/ttl/short', { value: 'expires before the stop', ttl: 1 });
    for (let i = 0; i < 3; i++) await v2(source, 'POST', '/queue', { value: `job${i}` });
    const cas = await v2(source, 'PUT', '/cas', { value: 'first' });
    await v2(source, 'PUT', '/cas', { value: 'second', prevIndex: cas.body.node.modifiedIndex });
    expect((await v2(source, 'PUT', '/cas', { value: 'refused', prevValue: 'first' })).status).toBe(412);
    expect((await v2(source, 'PUT', '/bulk/k1', { value: 'exists', prevExist: false })).status).toBe(412);
    await v2(source, 'DELETE', '/bulk/k2');
    await v2(source, 'DELETE', '/bulk/k3', { prevValue: (await v2(source, 'GET', '/bulk/k3')).body.node.value });
    // etcd's leader expires keys with a SYNC entry every 500 ms: the expiry is in the WAL too.
    await waitFor('etcd to expire /ttl/short', async () => (await v2(source, 'GET', '/ttl/short')).status === 404, CLUSTER_WAIT_MS);

    const running = await raftkvCli(['migrate', '--from-data-dir', dataDir, '--to', to]);
    expect(running.code, running.stderr).toBe(1);
    expect(running.stderr).toMatch(/is in use: a running etcd holds a lock on .*\.wal/);
    const notEtcd = await raftkvCli(['migrate', '--from-data-dir', raftkv.members[0]!.dataDir, '--to', to]);
    expect(notEtcd.code, notEtcd.stderr).toBe(1);
    expect(notEtcd.stderr).toMatch(/is not an etcd data directory/);

    const before = await Promise.all(HIDDEN.map((key) => v2(source, 'GET', key, { quorum: true })));
    const listing = await v2(source, 'GET', '/', { recursive: true, sorted: true, quorum: true });
    const hiddenDir = await v2(source, 'GET', '/_hdir', { recursive: true, sorted: true, quorum: true });
    process.kill(etcd.pid(0), 'SIGTERM');
    await etcd.exited(0); // etcd stops cleanly, then dies of the signal it raises again (no exit code)
    expect(readdirSync(join(dataDir, 'member', 'snap')).some((f) => f.endsWith('.snap')), 'etcd saved a snapshot').toBe(true);

    const run = await raftkvCli(['migrate', '--from-data-dir', dataDir, '--to', to]);
    expect(run.code, run.stderr).toBe(0);
    const applied = Number(/\((\d+) WAL entries after its snapshot\)/.exec(run.stderr)?.[1]);
    expect(applied, run.stderr).toBeGreaterThan(0);

    const after = await Promise.all(HIDDEN.map((key) => v2(raftkv.url(1), 'GET', key, { quorum: true })));
    HIDDEN.forEach((key, i) => expect(after[i]!.body, key).toEqual(before[i]!.body));
    const [listed, hiddenListed] = await Promise.all([v2(raftkv.url(2), 'GET', '/', { recursive: true, sorted: true, quorum: true }), v2(raftkv.url(0), 'GET', '/_hdir', { recursive: true, sorted: true, quorum: true })]);
    expect(timeless(listed.body.node)).toEqual(timeless(listing.body.node));
    expect(hiddenListed.body).toEqual(hiddenDir.body);
    expect(Number(listed.headers.get('x-etcd-index'))).toBe(Number(listing.headers.get('x-etcd-index')));
    expect(JSON.stringify(listed.body)).not.toContain('/ttl/short');

    const write = await v2(raftkv.url(0), 'PUT', '/_late', { value: 'on raftkv', prevIndex: before[1]!.body.node.modifiedIndex });
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(write.body.node.modifiedIndex).toBe(Number(listing.headers.get('x-etcd-index')) + 1);
  });
});
