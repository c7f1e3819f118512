// `raftkv migrate` against a real etcd 3.4 (--enable-v2): a tree with TTL keys, a directory with
// a TTL, an in-order queue, a hidden key and MIGRATE_KEYS keys (5000 by default) is copied into a
// fresh three-member raftkv while writes keep arriving at etcd, mirrored, then cut over. Both
// sides then list the same tree with the same indexes (TTLs within a second), a prevIndex read
// on etcd works as a CAS on raftkv, a waitIndex from etcd's history finds the same event on
// raftkv, and while mirroring raftkv refused a client's write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';
import { timeless } from '../support/listing.js';
import type { Listed } from '../support/listing.js';
import { startMigrator } from './migrator.js';

const KEYS = Number(process.env.MIGRATE_KEYS ?? 5000);

let etcd: ProcessCluster;
let raftkv: ProcessCluster;

beforeAll(async () => {
  // TZ=UTC: etcd prints expirations in its local zone; raftkv always in UTC.
  [etcd, raftkv] = await Promise.all([
    ProcessCluster.start({ size: 1, server: { command: '/usr/bin/etcd', args: ['--enable-v2'] }, env: { TZ: 'UTC' }, label: 'etcd-source' }),
    ProcessCluster.start({ size: 3, label: 'raftkv-target' }),
  ]);
});

afterAll(async () => {
  await Promise.all([etcd?.stop(), raftkv?.stop()]);
});

/** Keeps writing to etcd — sets, compare-and-swaps, deletes, queue entries — until stopped. */
function writeAlong(url: string): { stop(): Promise<number> } {
  let running = true;
  let writes = 0;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const key = `/live/${i % 20}`;
      const set = await v2(url, 'PUT', key, { value: `v${i}` });
      if (i % 3 === 0) await v2(url, 'PUT', key, { value: `cas${i}`, prevIndex: set.body.node.modifiedIndex });
      if (i % 7 === 0) await v2(url, 'DELETE', key);
      if (i % 5 === 0) await v2(url, 'POST', '/queue', { value: `live${i}` });
      writes++;
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return writes;
    },
  };
}

describe('raftkv migrate from a running etcd', { timeout: CLUSTER_TEST_MS }, () => {
  it('copies, mirrors while etcd takes writes, and cuts over to an identical key space', async () => {
    const source = etcd.url(0);
    await pool(KEYS, 16, async (i) => void (await v2(source, 'PUT', `/data/d${i % 50}/k${i}`, { value: `value ${i}` })));
    await v2(source, 'PUT', '/ttl/long', { value: 'stays', ttl: 600 });
    await v2(source, 'PUT', '/ttl/short', { value: 'goes during mirroring', ttl: 3 });
    await v2(source, 'PUT', '/tdir', { dir: true, ttl: 600 });
    await v2(source, 'PUT', '/tdir/inside', { value: 'in a timed directory' });
    for (let i = 0; i < 5; i++) await v2(source, 'POST', '/queue', { value: `job${i}` });
    await v2(source, 'PUT', '/_hidden', { value: 'not seen by a recursive watch of /' });

    const writer = writeAlong(source);
    const migrator = startMigrator(['--from', source, '--to', raftkv.clientUrls().join(','), '--progress-interval', '1']);
    await migrator.says('the copy to finish and mirroring to start', /mirroring/);

    const refused = await v2(raftkv.url(1), 'PUT', '/client/write', { value: 'x' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(500);
    expect(refused.body.cause).toMatch(/mirroring an etcd cluster/);

    await sleep(4000); // /ttl/short expires on etcd meanwhile, and the writer goes on
    const writes = await writer.stop();
    await v2(source, 'PUT', '/cas/target', { value: 'written during mirroring' });
    // The last write, so its index is still in both histories (1000 events) when watched from.
    const watched = await v2(source, 'PUT', '/watched', { value: 'during mirroring' });
    const watchedIndex = Number(watched.headers.get('x-etcd-index'));
    const captured = (await v2(source, 'GET', '/cas/target', { quorum: true })).body.node.modifiedIndex as number;
    const sourceIndex = Number((await v2(source, 'GET', '/', { quorum: true })).headers.get('x-etcd-index'));
    await waitFor('raftkv to mirror etcd through its last write', async () => {
      const res = await v2(raftkv.url(0), 'GET', '/watched', { quorum: true });
      return res.status === 200;
    }, CLUSTER_WAIT_MS, migrator.stderr);

    migrator.proc.kill('SIGINT');
    expect(await migrator.exited, migrator.stderr()).toBe(0);
    expect(migrator.stderr()).toMatch(/cut over at index \d+/);

    const [fromEtcd, fromRaftkv] = await Promise.all([source, raftkv.url(2)].map((u) => v2(u, 'GET', '/', { recursive: true, sorted: true, quorum: true })));
    expect(Number(fromRaftkv!.headers.get('x-etcd-index'))).toBe(sourceIndex);
    expect(timeless(fromRaftkv!.body.node)).toEqual(timeless(fromEtcd!.body.node));
    const ttlOf = (listing: Listed, key: string): number | undefined => listing.nodes!.find((n) => n.key === key)?.ttl;
    expect(Math.abs(ttlOf(fromRaftkv!.body.node, '/tdir')! - ttlOf(fromEtcd!.body.node, '/tdir')!)).toBeLessThanOrEqual(1);
    expect(JSON.stringify(fromRaftkv!.body)).not.toContain('/ttl/short');
    expect(writes, 'writes etcd took during the migration').toBeGreaterThan(0);

    const [etcdWatch, raftkvWatch] = await Promise.all([source, raftkv.url(1)].map((u) => v2(u, 'GET', '/watched', { wait: true, waitIndex: watchedIndex })));
    expect(raftkvWatch!.body).toEqual(etcdWatch!.body);
    expect(raftkvWatch!.body.node.value).toBe('during mirroring');

    const cas = await v2(raftkv.url(0), 'PUT', '/cas/target', { value: 'after cut-over', prevIndex: captured });
    expect(cas.status, JSON.stringify(cas.body)).toBe(200);
    expect(cas.body.node.modifiedIndex).toBe(sourceIndex + 1);
  });
});
