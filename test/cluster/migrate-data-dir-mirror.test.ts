// `raftkv migrate --from-data-dir <stopped member> --from <its running peers>` against a real
// three-member etcd 3.4 (--enable-v2): a follower is stopped with hidden keys in its store, writes
// go on at the two others, and the migration lands the stopped member's files (hidden keys too),
// then mirrors the running members from the data dir's index until --until-index. raftkv then
// holds the hidden keys and etcd's listing and X-Etcd-Index at the cut-over. When etcd's history
// no longer reaches back to a (stale) data dir's index, the migration says so and stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';
import { timeless } from '../support/listing.js';
import { startMigrator } from './migrator.js';

const HIDDEN = ['/_hidden', '/_hdir/inner', '/dir/_inner'];

let etcd: ProcessCluster;
let raftkv: ProcessCluster;
/** A second, fresh raftkv for the stale data dir: raftkv's index, once past the data dir's, never goes back. */
let fresh: ProcessCluster;

beforeAll(async () => {
  // TZ=UTC: etcd prints expirations in its local zone; raftkv always in UTC.
  [etcd, raftkv, fresh] = await Promise.all([
    ProcessCluster.start({ size: 3, server: { command: '/usr/bin/etcd', args: ['--enable-v2'] }, env: { TZ: 'UTC' }, label: 'etcd-data-dir-mirror' }),
    ProcessCluster.start({ size: 3, label: 'raftkv-data-dir-mirror' }),
    ProcessCluster.start({ size: 1, label: 'raftkv-data-dir-stale' }),
  ]);
});

afterAll(async () => {
  await Promise.all([etcd?.stop(), raftkv?.stop(), fresh?.stop()]);
});

const indexOf = async (url: string): Promise<number> => Number((await v2(url, 'GET', '/', { quorum: true })).headers.get('x-etcd-index'));

describe('raftkv migrate --from-data-dir --from', { timeout: CLUSTER_TEST_MS }, () => {
  let stopped = -1;
  let running: number[] = [];
  let dataDir = '';
  let dataDirIndex = 0;

  it("lands a stopped member's key space, hidden keys too, then mirrors its running peers to the cut-over", async () => {
    const leader = await etcd.waitForLeader();
    stopped = [0, 1, 2].find((i) => i !== leader)!; // a follower: the two others keep their leader
    running = [0, 1, 2].filter((i) => i !== stopped);
    const source = etcd.url(running[0]!);
    dataDir = etcd.members[stopped]!.dataDir;
    for (const key of HIDDEN) await v2(source, 'PUT', key, { value: `hidden ${key}` });
    for (let i = 0; i < 20; i++) await v2(source, 'PUT', `/before/k${i % 7}`, { value: `v${i}` });
    await v2(source, 'DELETE', '/before/k3');
    dataDirIndex = await indexOf(source);
    // The follower has applied everything before it stops, so its data dir holds the hidden keys.
    const follower = etcd.url(stopped);
    for (let tries = 0; Number((await v2(follower, 'GET', '/')).headers.get('x-etcd-index')) < dataDirIndex; tries++) {
      expect(tries, 'the follower to apply the writes').toBeLessThan(200);
      await sleep(25);
    }
    const hidden = await Promise.all(HIDDEN.map((key) => v2(source, 'GET', key, { quorum: true })));
    process.kill(etcd.pid(stopped), 'SIGTERM');
    await etcd.exited(stopped);

    // Writes go on at the running members: some before the migration starts, the rest while it mirrors.
    const writes = [
      () => v2(source, 'PUT', '/after/early', { value: 'written after the stop, before the migration' }),
      () => v2(source, 'DELETE', '/before/k1'),
      () => v2(source, 'PUT', '/before/k2', { value: 'swapped', prevValue: 'v16' }),
      ...Array.from({ length: 30 }, (_, i) => () => v2(etcd.url(running[i % 2]!), 'PUT', `/after/k${i % 9}`, { value: `w${i}` })),
      () => v2(source, 'POST', '/after/queue', { value: 'in order' }),
    ];
    for (const write of writes.slice(0, 3)) expect((await write()).status).toBeLessThan(300);
    const until = dataDirIndex + writes.length;
    const from = running.map((i) => etcd.url(i)).join(',');
    const migrator = startMigrator(['--from-data-dir', dataDir, '--from', from, '--to', raftkv.clientUrls().join(','), '--until-index', String(until), '--progress-interval', '1']);
    const writing = (async () => {
      for (const write of writes.slice(3)) {
        expect((await write()).status).toBeLessThan(300);
        await sleep(20);
      }
    })();
    await migrator.says('the data dir to land and mirroring to start', /mirroring/);
    await writing;
    expect(await migrator.exited, migrator.stderr()).toBe(0);
    const stderr = migrator.stderr();
    expect(stderr).toMatch(new RegExp(`read \\d+ keys at etcd index ${dataDirIndex} from `));
    expect(stderr).toContain(`cut over at index ${until} after ${writes.length} mirrored events`);
    expect(await indexOf(source)).toBe(until); // no write past the cut-over

    const ours = raftkv.url(1);
    const after = await Promise.all(HIDDEN.map((key) => v2(ours, 'GET', key, { quorum: true })));
    HIDDEN.forEach((key, i) => expect(after[i]!.body, key).toEqual(hidden[i]!.body));
    const [theirs, listed] = await Promise.all([source, ours].map((u) => v2(u, 'GET', '/', { recursive: true, sorted: true, quorum: true })));
    expect(timeless(listed!.body.node)).toEqual(timeless(theirs!.body.node));
    expect(Number(listed!.headers.get('x-etcd-index'))).toBe(until);
    expect(Number(theirs!.headers.get('x-etcd-index'))).toBe(until);
    const write = await v2(ours, 'PUT', '/_hidden', { value: 'on raftkv', prevIndex: hidden[0]!.body.node.modifiedIndex });
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(write.body.node.modifiedIndex).toBe(until + 1);
  });

  it("stops, saying what to do instead, when etcd's history no longer reaches the data dir's index", async () => {
    expect(stopped, 'the first test ran').toBeGreaterThanOrEqual(0);
    // etcd keeps the last 1000 events: with more since the stop, the data dir's index is out of reach.
    await pool(1050, 16, async (i) => void (await v2(etcd.url(running[i % 2]!), 'PUT', `/burst/k${i % 50}`, { value: `b${i}` })));
    const migrator = startMigrator(['--from-data-dir', dataDir, '--from', etcd.url(running[0]!), '--to', fresh.url(0)]);
    expect(await migrator.exited, migrator.stderr()).toBe(1);
    expect(migrator.stderr()).toContain(`etcd's history no longer holds the events after the data directory's index ${dataDirIndex}`);
    expect(migrator.stderr()).toMatch(/cannot help; migrate again with --force, over HTTP/);
    expect(migrator.stderr()).not.toMatch(/copying again/);
  });
});
