// Backup and restore with real processes: an online snapshot of a three-member cluster taken while
// writes are in flight, restored into a new three-member cluster that holds every write
// acknowledged before the save with the same indexes; the endpoint closed to all but root with
// v2 auth on; an offline backup of a stopped member, and the refusal of a running one's.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { decodeSnapshotData } from '../../src/server/snapshot-data.js';
import { Store } from '../../src/store/store.js';
import { decodeBackupFile } from '../../src/storage/backup-file.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { raftkvCli } from '../support/raftkv-cli.js';

const WRITERS = 8;

interface Acked {
  modifiedIndex: number;
  createdIndex: number;
}

describe('snapshot save, status and restore; backup', { timeout: 2 * CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  const dir = mkdtempSync(join(tmpdir(), 'raftkv-backups-'));

  beforeAll(async () => {
    // A small --snapshot-count: the members compact their logs while the test runs.
    cluster = await ProcessCluster.start({ size: 3, snapshotCount: 200 });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a new cluster holding every write acknowledged before the save, at the same indexes', async () => {
    const leader = await cluster.waitForLeader();
    const follower = (leader + 1) % 3;
    const acked = new Map<string, Acked>();
    let stop = false;
    let next = 0;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      while (!stop) {
        const key = `/w/k${next++}`;
        const res = await v2(cluster.url((w + next) % 3), 'PUT', key, { value: key }).catch(() => undefined);
        if (res && res.status < 300) acked.set(key, { modifiedIndex: res.body.node.modifiedIndex, createdIndex: res.body.node.createdIndex });
      }
    });
    await waitFor('200 acknowledged writes', () => acked.size >= 200, CLUSTER_WAIT_MS, cluster.recentOutput);
    // Everything acknowledged before the save is asked for must be in it (the read point is after).
    const before = new Map(acked);
    const file = join(dir, 'online.snap');
    const saved = await raftkvCli(['snapshot', 'save', file, '--endpoints', cluster.url(follower)]);
    const sizeAtSave = acked.size;
    await waitFor('writes to go on after the save', () => acked.size >= sizeAtSave + 50, CLUSTER_WAIT_MS, cluster.recentOutput);
    stop = true;
    await Promise.all(writers);
    expect(saved).toMatchObject({ code: 0, stdout: `Snapshot saved at ${file}\n` });
    expect(existsSync(`${file}.part`)).toBe(false);

    const backup = decodeBackupFile(readFileSync(file), file);
    const status = await raftkvCli(['snapshot', 'status', file, '-w', 'json']);
    expect(status.code).toBe(0);
    const reported = JSON.parse(status.stdout);
    expect(reported).toMatchObject({ index: backup.header.index, term: backup.header.term, hash: backup.header.bodySha256, checksum: 'ok', totalSize: readFileSync(file).length });
    expect(reported.totalKey).toBeGreaterThan(before.size); // the keys and their directory /w
    expect((await raftkvCli(['snapshot', 'status', file, '-w', 'table'])).stdout).toMatch(/\| +HASH +\| +INDEX +\| +TERM +\| TOTAL KEYS \| TOTAL SIZE \| CHECKSUM \|/);

    const restored = await ProcessCluster.create({ size: 3, token: `restored-${process.pid}`, label: 'raftkv-restored' });
    try {
      const initialCluster = restored.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
      for (const m of restored.members) {
        const run = await raftkvCli(['snapshot', 'restore', file, '--data-dir', m.dataDir, '--name', m.name,
          '--initial-cluster', initialCluster, '--initial-cluster-token', restored.settings.token, '--initial-advertise-peer-urls', m.peerUrl]);
        expect(run, run.stderr).toMatchObject({ code: 0 });
      }
      const again = await raftkvCli(['snapshot', 'restore', file, '--data-dir', restored.members[0]!.dataDir, '--name', 'm1',
        '--initial-cluster', initialCluster, '--initial-cluster-token', 't', '--initial-advertise-peer-urls', restored.members[0]!.peerUrl]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/exists and is not empty/);
      await restored.startAll();
      const newLeader = await restored.waitForLeader();

      const listed = await v2(restored.url(newLeader), 'GET', '/w', { recursive: true, quorum: true });
      const found = new Map<string, Acked>(listed.body.node.nodes.map((n: { key: string } & Acked) => [n.key, { modifiedIndex: n.modifiedIndex, createdIndex: n.createdIndex }]));
      for (const [key, indexes] of before) expect(found.get(key), key).toEqual(indexes);
      // Nothing in the new cluster that was not acknowledged or in flight in the old one.
      for (const [key, indexes] of found) if (acked.has(key)) expect(acked.get(key)).toEqual(indexes);

      // The store goes on from the backup's index, counting as etcd's restore and start do: the
      // new members' /0 records, each member's publish, the first leader's /0/version.
      const backupIndex = Store.restore(decodeSnapshotData(backup.body).store).index;
      const etcdIndex = async (): Promise<number> => Number((await v2(restored.url(newLeader), 'GET', '/w')).headers.get('x-etcd-index'));
      await waitFor('the restored cluster to publish its members and set its version', async () => (await etcdIndex()) === backupIndex + 3 + 3 + 1, CLUSTER_WAIT_MS, restored.recentOutput);

      const members = (await (await fetch(`${restored.url(newLeader)}/v2/members`)).json()) as { members: { id: string; name: string }[] };
      const old = (await (await fetch(`${cluster.url(leader)}/v2/members`)).json()) as { members: { id: string }[] };
      expect(members.members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
      for (const m of members.members) expect(old.members.map((o) => o.id)).not.toContain(m.id);
      expect((await v2(restored.url((newLeader + 1) % 3), 'PUT', '/after-restore', { value: 'x' })).status).toBe(201);
    } finally {
      await restored.stop();
    }
  });

  it('refuses a save without root credentials once v2 auth is on, and takes one with them', async () => {
    const url = cluster.url(0);
    const put = (path: string, body?: string): Promise<Response> =>
      fetch(`${url}${path}`, { method: 'PUT', body, headers: body ? { 'content-type': 'application/json' } : {} });
    expect((await put('/v2/auth/users/root', '{"user":"root","password":"pw"}')).status).toBe(201);
    expect((await put('/v2/auth/enable')).status).toBe(200);
    await waitFor('every member to have auth on', async () => {
      const answers = await Promise.all([0, 1, 2].map((i) => fetch(`${cluster.url(i)}/raftkv/v1/snapshot`)));
      return answers.every((a) => a.status === 401);
    }, CLUSTER_WAIT_MS, cluster.recentOutput);
    const refused = await fetch(`${cluster.url(1)}/raftkv/v1/snapshot`);
    expect(await refused.text()).toBe('{"message":"Insufficient credentials"}');

    const file = join(dir, 'auth.snap');
    for (const who of [[], ['--user', 'root:wrong'], ['--user', 'nobody:pw']]) {
      const run = await raftkvCli(['snapshot', 'save', file, '--endpoints', cluster.url(1), ...who]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('refused the snapshot: 401 {"message":"Insufficient credentials"}');
      expect(existsSync(file) || existsSync(`${file}.part`)).toBe(false);
    }
    const taken = await raftkvCli(['snapshot', 'save', file, '--endpoints', cluster.url(1), '--user', 'root', '--password', 'pw']);
    expect(taken, taken.stderr).toMatchObject({ code: 0 });
    expect((await raftkvCli(['snapshot', 'status', file])).stdout).toMatch(/^[0-9a-f]{64}, \d+, \d+, \d+, .+, ok\n$/);
  });

  it('refuses to restore a damaged or foreign file before writing anything', async () => {
    const good = readFileSync(join(dir, 'online.snap'));
    const cut = join(dir, 'cut.snap');
    writeFileSync(cut, good.subarray(0, good.length - 10));
    const foreign = join(dir, 'foreign.snap');
    writeFileSync(foreign, 'hello');
    for (const [file, why] of [[cut, 'truncated'], [foreign, 'not a raftkv snapshot file']] as const) {
      const target = join(dir, `restored-from-${why}`);
      const run = await raftkvCli(['snapshot', 'restore', file, '--data-dir', target]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Error: ${file}: ${why}`);
      expect(existsSync(target)).toBe(false);
      expect((await raftkvCli(['snapshot', 'status', file])).stderr).toContain(why);
    }
  });

  it("backs up a stopped member's data dir into one that loads and starts alone with --force-new-cluster, and refuses a running member's", async () => {
    const member = cluster.members[2]!;
    // On the member's disk before it stops: a quorum read there returns once it has applied the write.
    expect((await v2(cluster.url(0), 'PUT', '/before-backup', { value: 'kept' })).status).toBe(201);
    expect((await v2(cluster.url(2), 'GET', '/before-backup', { quorum: true })).body.node.value).toBe('kept');
    const running = await raftkvCli(['backup', '--data-dir', member.dataDir, '--backup-dir', join(dir, 'from-running')]);
    expect(running.code).toBe(1);
    expect(running.stderr).toMatch(/is in use: a running member holds its log database .*; stop the member first/);
    expect(existsSync(join(dir, 'from-running'))).toBe(false);

    await cluster.kill(2);
    const target = join(dir, 'backup');
    const run = await raftkvCli(['backup', '--data-dir', member.dataDir, '--backup-dir', target]);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect((await raftkvCli(['backup', '--data-dir', member.dataDir, '--backup-dir', target])).stderr).toMatch(/exists and is not empty/);

    const [source, copy] = await Promise.all([member.dataDir, target].map(async (d) => {
      const log = await DurableLog.open(d);
      try {
        return await log.load();
      } finally {
        await log.close();
      }
    }));
    expect(copy!.hardState).toEqual(source!.hardState);
    expect(copy!.entries).toEqual(source!.entries);
    expect(copy!.snapshot?.metadata).toEqual(source!.snapshot?.metadata);
    expect(Buffer.from(copy!.snapshot!.data).equals(Buffer.from(source!.snapshot!.data))).toBe(true);
    const [was, now] = [source!.meta.identity, copy!.meta.identity] as { memberId: string; clusterId: string; bootstrap: unknown; initialMembers: unknown }[];
    expect(now).toMatchObject({ bootstrap: was!.bootstrap, initialMembers: was!.initialMembers });
    expect(now!.memberId).not.toBe(was!.memberId);
    expect(now!.clusterId).not.toBe(was!.clusterId);

    // As etcdctl backup's copy: started with --force-new-cluster it adds itself (its id is new to the
    // log) and removes the old members, keeping every key.
    const alone = await ProcessCluster.create({ size: 1, label: 'raftkv-from-backup', extraFlags: ['--force-new-cluster'] });
    try {
      cpSync(target, alone.members[0]!.dataDir, { recursive: true });
      await alone.startAll();
      expect((await v2(alone.url(0), 'GET', '/before-backup', { quorum: true })).body.node.value).toBe('kept');
      expect((await v2(alone.url(0), 'PUT', '/after-backup', { value: 'alone' })).status).toBe(201);
      const { members } = (await (await fetch(`${alone.url(0)}/v2/members`)).json()) as { members: { name: string; peerURLs: string[] }[] };
      expect(members).toEqual([expect.objectContaining({ name: 'm1', peerURLs: [alone.members[0]!.peerUrl] })]);
    } finally {
      await alone.stop();
    }
  });
});
