// The real node-etcd (v7) client against three real raftkv processes: its recursive watcher,
// its synchronous getSync, TTL and prevExist writes, 401 resync and failover.
import { describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';
import { call, Etcd } from './support/node-etcd.js';
import type { Answer } from './support/node-etcd.js';
import { flood, settledIndex, waitForNoWatchers, waitForWatchers } from './support/cluster-state.js';

interface Seen {
  action: string;
  key: string;
  value: string | undefined;
  prev: string | undefined;
  modifiedIndex: number;
}

function seen(event: any): Seen {
  return { action: event.action, key: event.node.key, value: event.node.value, prev: event.prevNode?.value, modifiedIndex: event.node.modifiedIndex };
}

describe('node-etcd against a three-member raftkv cluster', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  let etcd: any;
  useCluster({ size: 3 }, (started) => {
    cluster = started;
    etcd = new Etcd(cluster.members.map((m) => m.clientUrl));
  }, { noCrashes: true });

  /** A watcher that has its first long poll registered on the cluster, and everything it emits. */
  async function watcher(key: string, index: number | null, options: object) {
    await waitForNoWatchers(cluster);
    const w = etcd.watcher(key, index, options);
    const changes: Seen[] = [];
    const byAction: Seen[] = [];
    const resyncs: any[] = [];
    const errors: any[] = [];
    w.on('change', (e: any) => changes.push(seen(e)));
    for (const action of ['set', 'update', 'create', 'delete', 'expire', 'compareAndSwap']) w.on(action, (e: any) => byAction.push(seen(e)));
    w.on('resync', (e: any) => resyncs.push(e));
    w.on('error', (e: any) => errors.push(e));
    w.on('reconnect', (e: any) => errors.push(e));
    if (index === null) await waitForWatchers(cluster, 1);
    return { w, changes, byAction, resyncs, errors };
  }

  it('a recursive watcher sees set, update, expire and delete below the directory, in order, with their actions', async () => {
    const { w, changes, byAction, errors } = await watcher('/dir', null, { recursive: true });
    try {
      const set = await call(etcd, 'set', '/dir/a', '1');
      const update = await call(etcd, 'set', '/dir/a', '2', { prevExist: true });
      const short = await call(etcd, 'set', '/dir/sub/t', 'x', { ttl: 1 });
      expect([set.err, update.err, short.err]).toEqual([null, null, null]);
      expect(update.body.action).toBe('update');
      await waitFor('the expiry event (leader SYNC every 500 ms)', async () => changes.length >= 4, CLUSTER_WAIT_MS, cluster.recentOutput);
      const del = await call(etcd, 'del', '/dir/a');
      await waitFor('the delete event', async () => changes.length >= 5, CLUSTER_WAIT_MS, cluster.recentOutput);

      const expiredAt = changes[3]!.modifiedIndex;
      const expected: Seen[] = [
        { action: 'set', key: '/dir/a', value: '1', prev: undefined, modifiedIndex: set.body.node.modifiedIndex },
        { action: 'update', key: '/dir/a', value: '2', prev: '1', modifiedIndex: update.body.node.modifiedIndex },
        { action: 'set', key: '/dir/sub/t', value: 'x', prev: undefined, modifiedIndex: short.body.node.modifiedIndex },
        { action: 'expire', key: '/dir/sub/t', value: undefined, prev: 'x', modifiedIndex: short.body.node.modifiedIndex + 1 },
        { action: 'delete', key: '/dir/a', value: undefined, prev: '2', modifiedIndex: expiredAt + 1 },
      ];
      expect(changes).toEqual(expected);
      expect(byAction).toEqual(expected);
      expect(del.body.node.modifiedIndex).toBe(expiredAt + 1);
      expect(errors).toEqual([]);
    } finally {
      w.stop();
    }
    await waitForNoWatchers(cluster); // stop() frees the member's watcher too
  });

  it('getSync with recursive returns the whole tree', async () => {
    await call(etcd, 'set', '/tree/x', 'X');
    await call(etcd, 'set', '/tree/sub/y', 'Y');
    await call(etcd, 'mkdir', '/tree/empty');
    await settledIndex(cluster);
    const index = (await v2(cluster.url(0), 'GET', '/tree', { quorum: true })).headers.get('x-etcd-index');

    const { err, body, headers } = etcd.getSync('/tree', { recursive: true });
    expect(err).toBeNull();
    expect(headers['x-etcd-index']).toBe(index);
    const byKey = (a: any, b: any): number => (a.key < b.key ? -1 : 1);
    const sort = (n: any): any => (n.nodes ? { ...n, nodes: n.nodes.map(sort).sort(byKey) } : n);
    const tree = sort(body.node);
    expect(body.action).toBe('get');
    expect(tree).toMatchObject({
      key: '/tree',
      dir: true,
      nodes: [
        { key: '/tree/empty', dir: true },
        { key: '/tree/sub', dir: true, nodes: [{ key: '/tree/sub/y', value: 'Y' }] },
        { key: '/tree/x', value: 'X' },
      ],
    });
    expect(tree.nodes[0].nodes).toBeUndefined();
  });

  it('getSync of a missing key returns the 100 error with its body', () => {
    const { err, body } = etcd.getSync('/tree/missing');
    expect(body).toBe('');
    expect(err.errorCode).toBe(100);
    expect(err.message).toBe('Key not found');
    expect(err.error).toMatchObject({ errorCode: 100, message: 'Key not found', cause: '/tree/missing' });
  });

  it('set with ttl makes a key that reports its ttl and expiration', async () => {
    const before = Date.now();
    const { err, body } = await call(etcd, 'set', '/ttl/k', 'v', { ttl: 60 });
    expect(err).toBeNull();
    expect(body.action).toBe('set');
    expect(body.node).toMatchObject({ key: '/ttl/k', value: 'v', ttl: 60 });
    const expires = Date.parse(body.node.expiration);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  it('set with prevExist=false creates once and then fails with 105; prevExist=true fails with 100 on a missing key', async () => {
    const created = await call(etcd, 'set', '/pe/k', 'one', { prevExist: false });
    expect(created.err).toBeNull();
    expect(created.body.action).toBe('create');

    const again = await call(etcd, 'set', '/pe/k', 'two', { prevExist: false });
    expect(again.err.errorCode).toBe(105);
    expect(again.err.error).toEqual({ errorCode: 105, message: 'Key already exists', cause: '/pe/k', index: created.body.node.modifiedIndex });

    const missing = await call(etcd, 'set', '/pe/none', 'x', { prevExist: true });
    expect(missing.err.errorCode).toBe(100);
    expect(missing.err.error).toMatchObject({ errorCode: 100, message: 'Key not found', cause: '/pe/none' });
    expect((await v2(cluster.url(0), 'GET', '/pe/k', { quorum: true })).body.node.value).toBe('one');
  });

  it('a watcher whose index has left the 1000-event history emits resync and carries on from the current index', async () => {
    await flood(cluster, '/flood', 1010);
    const last = (await v2(cluster.url(0), 'PUT', '/flood/last', { value: 'L' })).body.node.modifiedIndex;
    await settledIndex(cluster);

    const { w, changes, resyncs } = await watcher('/flood', 1, { recursive: true });
    try {
      await waitFor('the event at the resync index', async () => changes.length >= 1, CLUSTER_WAIT_MS, cluster.recentOutput);
      expect(resyncs).toHaveLength(1);
      expect(resyncs[0].errorCode).toBe(401);
      expect(resyncs[0].error).toEqual({ errorCode: 401, message: 'The event in requested index is outdated and cleared', cause: `the requested history has been cleared [${last - 999}/1]`, index: last });
      expect(changes[0]).toEqual({ action: 'set', key: '/flood/last', value: 'L', prev: undefined, modifiedIndex: last });

      const next = (await v2(cluster.url(1), 'PUT', '/flood/next', { value: 'N' })).body.node.modifiedIndex;
      await waitFor('the next change', async () => changes.length >= 2, CLUSTER_WAIT_MS, cluster.recentOutput);
      expect(changes[1]).toEqual({ action: 'set', key: '/flood/next', value: 'N', prev: undefined, modifiedIndex: next });
    } finally {
      w.stop();
    }
  });

  it('a watcher whose member is killed mid-poll re-polls another one at the same index and misses no change', async () => {
    const client = new Etcd([cluster.url(0), cluster.url(1)]);
    const start = Number((await v2(cluster.url(0), 'GET', '/')).headers.get('x-etcd-index')) + 1;
    const w = client.watcher('/moving', start, { recursive: true });
    const changes: Seen[] = [];
    w.on('change', (e: any) => changes.push(seen(e)));
    let host = -1;
    try {
      const before = await call(etcd, 'set', '/moving/a', 'before');
      await waitFor('the first change', async () => changes.length === 1, CLUSTER_WAIT_MS, cluster.recentOutput);
      // node-etcd picks a member at random for every poll: find the one holding the current poll.
      await waitFor('the next poll to land on m1 or m2', async () => {
        for (const i of [0, 1]) if ((await getJSON(`${cluster.url(i)}/v2/stats/store`))?.watchers === 1) host = i;
        return host >= 0;
      }, CLUSTER_WAIT_MS, cluster.recentOutput);
      await cluster.kill(host); // the client retries the broken poll on its other member
      await cluster.waitForLeader(); // else a write may go to a dead leader and time out (as in etcd)
      const during: Answer[] = [];
      for (const v of ['d1', 'd2', 'd3']) during.push(await call(new Etcd([cluster.url(2)]), 'set', `/moving/${v}`, v));
      await waitFor('the changes made while the watched member was down', async () => changes.length === 4, CLUSTER_WAIT_MS, cluster.recentOutput);
      expect(changes).toEqual([before, ...during].map((a) => seen(a.body)));
    } finally {
      w.stop();
      if (host >= 0) await cluster.restart(host);
    }
  });

  it("version() reports the etcd 3.4 server and cluster versions, as etcd 3.4.23 does, not raftkv's own", async () => {
    const { err, body } = await call(etcd, 'version');
    expect(err).toBeNull();
    expect(body).toEqual({ etcdserver: '3.4.23', etcdcluster: '3.4.0' });
  });

  it('fails over to another member when one refuses connections', async () => {
    await cluster.kill(0);
    await cluster.waitForLeader(); // else a write may go to a dead leader and time out (as in etcd)
    try {
      for (let i = 0; i < 10; i++) {
        const { err, body } = await call(etcd, 'set', '/failover/k', String(i));
        expect(err).toBeNull();
        expect(body.node.value).toBe(String(i));
        expect(etcd.getSync('/failover/k', { quorum: true }).body.node.value).toBe(String(i));
      }
    } finally {
      await cluster.restart(0);
    }
  });
});
