// `raftkv migrate`'s mirroring against a real etcd 3.4 (--enable-v2) and a one-member raftkv, one
// migration after another (--force: each takes the key space over again, etcd's index having only
// grown): --until-index cuts over at exactly that index; a TTL key refreshed on etcd while
// mirroring (refresh=true: no watch event) has etcd's expiration on raftkv after the cut-over;
// a mirror paused while etcd takes more than its 1000-event history starts the copy again and
// still ends identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';
import { timeless } from '../support/listing.js';
import { startMigrator } from './migrator.js';
import type { Migrator } from './migrator.js';

let etcd: ProcessCluster;
let raftkv: ProcessCluster;

beforeAll(async () => {
  // TZ=UTC: etcd prints expirations in its local zone; raftkv always in UTC.
  [etcd, raftkv] = await Promise.all([
    ProcessCluster.start({ size: 1, server: { command: '/usr/bin/etcd', args: ['--enable-v2'] }, env: { TZ: 'UTC' }, label: 'etcd-mirror-source' }),
    ProcessCluster.start({ size: 1, label: 'raftkv-mirror-target' }),
  ]);
});

afterAll(async () => {
  await Promise.all([etcd?.stop(), raftkv?.stop()]);
});

const indexOf = async (url: string): Promise<number> => Number((await v2(url, 'GET', '/', { quorum: true })).headers.get('x-etcd-index'));

async function migrating(...flags: string[]): Promise<Migrator> {
  const migrator = startMigrator(['--from', etcd.url(0), '--to', raftkv.url(0), '--force', '--progress-interval', '1', ...flags]);
  await migrator.says('the copy to finish and mirroring to start', /mirroring/);
  return migrator;
}

async function cutOver(migrator: Migrator): Promise<void> {
  migrator.proc.kill('SIGINT');
  expect(await migrator.exited, migrator.stderr()).toBe(0);
}

describe('raftkv migrate while etcd changes', { timeout: CLUSTER_TEST_MS }, () => {
  it('--until-index: mirrors through exactly that index, and says later writes are not copied', async () => {
    const source = etcd.url(0);
    await v2(source, 'PUT', '/until/seed', { value: 'copied' });
    const until = (await indexOf(source)) + 10;
    const migrator = await migrating('--until-index', String(until));
    // Paused, so that etcd is past `until` by the time the mirror gets there and it sees the writes it leaves out.
    migrator.proc.kill('SIGSTOP');
    for (let i = 1; i <= 20; i++) await v2(source, 'PUT', `/until/k${i}`, { value: `at +${i}` }); // k10 lands at `until`
    migrator.proc.kill('SIGCONT');
    expect(await migrator.exited, migrator.stderr()).toBe(0);
    expect(migrator.stderr()).toContain(`cut over at index ${until}`);
    expect(migrator.stderr()).toMatch(new RegExp(`writes after the cut-over at ${until} .*not copied`));
    expect(await indexOf(raftkv.url(0))).toBe(until);
    expect((await v2(raftkv.url(0), 'GET', '/until/k10')).body.node.modifiedIndex).toBe(until);
    expect((await v2(raftkv.url(0), 'GET', '/until/k11')).status).toBe(404);
  });

  it("gives a TTL key refreshed on etcd while mirroring etcd's expiration at the cut-over", async () => {
    const source = etcd.url(0);
    await v2(source, 'PUT', '/refresh/lease', { value: 'held', ttl: 30 });
    const migrator = await migrating();
    await v2(source, 'PUT', '/refresh/marker', { value: 'mirrored' });
    await waitFor('raftkv to mirror the marker', async () => (await v2(raftkv.url(0), 'GET', '/refresh/marker')).status === 200, CLUSTER_WAIT_MS, migrator.stderr);
    await sleep(1000); // the mirror's next long poll is waiting at etcd, so the refresh reaches no watch
    const refreshed = await v2(source, 'PUT', '/refresh/lease', { ttl: 600, refresh: true, prevExist: true });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    await cutOver(migrator);
    expect(migrator.stderr()).toMatch(/gave 1 TTL keys etcd's expiration/);
    const [theirs, ours] = await Promise.all([source, raftkv.url(0)].map(async (u) => (await v2(u, 'GET', '/refresh/lease')).body.node));
    expect(ours.modifiedIndex).toBe(theirs.modifiedIndex);
    expect(Math.abs(Date.parse(ours.expiration) - Date.parse(theirs.expiration))).toBeLessThanOrEqual(1000);
  });

  it('copies again when etcd moved more than its history past a paused mirror, and ends identical', async () => {
    const source = etcd.url(0);
    const migrator = await migrating();
    migrator.proc.kill('SIGSTOP');
    await pool(1100, 8, async (i) => void (await v2(source, 'PUT', `/burst/k${i % 300}`, { value: `w${i}` })));
    migrator.proc.kill('SIGCONT');
    await migrator.says('the mirror to find its index cleared and copy again', /copying again[\s\S]*mirroring/);
    const last = await v2(source, 'PUT', '/burst/last', { value: 'after the restart' });
    await waitFor('raftkv to mirror the last write', async () => (await v2(raftkv.url(0), 'GET', '/burst/last')).status === 200, CLUSTER_WAIT_MS, migrator.stderr);
    await cutOver(migrator);
    const [fromEtcd, fromRaftkv] = await Promise.all([source, raftkv.url(0)].map((u) => v2(u, 'GET', '/', { recursive: true, sorted: true, quorum: true })));
    expect(Number(fromRaftkv!.headers.get('x-etcd-index'))).toBe(last.body.node.modifiedIndex);
    expect(timeless(fromRaftkv!.body.node)).toEqual(timeless(fromEtcd!.body.node));
  });
});
