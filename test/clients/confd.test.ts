// confd's etcd v2 loop against three real raftkv processes: read the whole prefix with
// `recursive&sorted&quorum`, then long-poll `wait&recursive&waitIndex=<modifiedIndex+1>` over and
// over, re-reading everything on 401, while writers stream changes in through every member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';
import { crashedMemberLogs, flood } from './support/cluster-state.js';

interface Change {
  action: string;
  key: string;
  modifiedIndex: number;
}

/** The flat key → value map confd's nodeWalk builds, kept up to date from watch events. */
class ConfdView {
  readonly values = new Map<string, string>();
  readonly changes: Change[] = [];
  readonly rereads: any[] = [];
  waitIndex = 0;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly base: string, private readonly prefix: string) {}

  async readAll(): Promise<void> {
    const res = await v2(this.base, 'GET', this.prefix, { recursive: true, sorted: true, quorum: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.action).toBe('get');
    this.values.clear();
    this.walk(res.body.node);
    this.waitIndex = Number(res.headers.get('x-etcd-index')) + 1;
  }

  private walk(node: any): void {
    if (!node.dir) this.values.set(node.key, node.value);
    const keys = (node.nodes ?? []).map((n: any) => n.key);
    expect(keys, `children of ${node.key} in sorted order`).toEqual([...keys].sort());
    for (const child of node.nodes ?? []) this.walk(child);
  }

  private apply(event: any): void {
    const key: string = event.node.key;
    this.changes.push({ action: event.action, key, modifiedIndex: event.node.modifiedIndex });
    if (['delete', 'expire', 'compareAndDelete'].includes(event.action)) {
      for (const k of [...this.values.keys()]) if (k === key || k.startsWith(`${key}/`)) this.values.delete(k);
    } else if (!event.node.dir) {
      this.values.set(key, event.node.value);
    }
  }

  /** One long poll: apply its event, or re-read everything on 401. */
  async next(): Promise<void> {
    const res = await v2(this.base, 'GET', this.prefix, { wait: true, recursive: true, waitIndex: this.waitIndex }, 20000);
    if (res.body?.errorCode === 401) {
      this.rereads.push(res.body);
      await this.readAll();
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    this.apply(res.body);
    this.waitIndex = res.body.node.modifiedIndex + 1;
  }

  start(): void {
    this.running = (async () => {
      await this.readAll();
      while (!this.stopped) await this.next();
    })();
  }

  /** Stops after the long poll that sees index `through`. */
  async stopAfter(through: number): Promise<void> {
    await waitFor(`the watcher to reach index ${through}`, async () => this.waitIndex > through, CLUSTER_WAIT_MS);
    this.stopped = true;
    // The loop is parked in a long poll past `through`; wake it with one write it may ignore.
    await v2(this.base, 'PUT', `${this.prefix}/zz-stop`, { value: 'stop' });
    await this.running;
  }
}

/** What a write should look like to a watcher, taken from the write's own answer. */
function changeOf(res: { status: number; body: any }): Change {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return { action: res.body.action, key: res.body.node.key, modifiedIndex: res.body.node.modifiedIndex };
}

describe('the confd watch loop on a three-member raftkv cluster', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3 });
  });
  afterAll(async () => {
    const crashed = cluster ? crashedMemberLogs(cluster) : '';
    await cluster?.stop();
    expect(crashed, 'no member dies on its own').toBe('');
  });

  it('sees every change under its prefix exactly once, in index order, while writers stream in through every member', async () => {
    for (const [k, v] of [['/app/b/x', 'bx'], ['/app/a', 'a0'], ['/app/c/d/e', 'cde'], ['/app/b/w', 'bw']]) await v2(cluster.url(0), 'PUT', k!, { value: v! });
    const view = new ConfdView(cluster.url(1), '/app');
    view.start();
    await waitFor('the first read', async () => view.waitIndex > 0, CLUSTER_WAIT_MS, cluster.recentOutput);
    expect(Object.fromEntries(view.values)).toEqual({ '/app/a': 'a0', '/app/b/w': 'bw', '/app/b/x': 'bx', '/app/c/d/e': 'cde' });

    const written: Change[] = [];
    await pool(240, 4, async (i) => {
      const member = cluster.url(i % 3);
      const key = `/app/s${i % 12}/k${i % 5}`;
      if (i % 10 === 9) {
        const res = await v2(member, 'DELETE', key);
        if (res.status === 200) written.push(changeOf(res));
        else expect(res.body.errorCode).toBe(100);
      } else {
        written.push(changeOf(await v2(member, 'PUT', key, { value: `v${i}` })));
      }
      if (i % 40 === 0) await v2(member, 'PUT', `/other/k${i}`, { value: 'not watched' });
    });
    written.push(changeOf(await v2(cluster.url(2), 'PUT', '/app/b/x', { value: 'bx2', prevValue: 'bx' })));
    written.push(changeOf(await v2(cluster.url(0), 'DELETE', '/app/c', { recursive: true })));
    const last = changeOf(await v2(cluster.url(1), 'PUT', '/app/a', { value: 'a1', prevExist: true }));
    written.push(last);

    await view.stopAfter(last.modifiedIndex);
    const seen = view.changes.filter((c) => c.modifiedIndex <= last.modifiedIndex);
    expect(seen).toEqual([...written].sort((x, y) => x.modifiedIndex - y.modifiedIndex));
    expect(view.rereads).toEqual([]);

    const fresh = new ConfdView(cluster.url(2), '/app');
    await fresh.readAll();
    view.values.delete('/app/zz-stop');
    fresh.values.delete('/app/zz-stop');
    expect(Object.fromEntries(view.values)).toEqual(Object.fromEntries(fresh.values));
    expect(view.values.get('/app/a')).toBe('a1');
    expect(view.values.get('/app/b/x')).toBe('bx2');
    expect([...view.values.keys()].filter((k) => k.startsWith('/app/c'))).toEqual([]);
  });

  it('sees a key expire', async () => {
    const view = new ConfdView(cluster.url(0), '/exp');
    await v2(cluster.url(0), 'PUT', '/exp/keep', { value: 'k' });
    const short = changeOf(await v2(cluster.url(1), 'PUT', '/exp/short', { value: 's', ttl: 1 }));
    await view.readAll();
    expect(view.values.get('/exp/short')).toBe('s');
    await view.next();
    expect(view.changes).toEqual([{ action: 'expire', key: '/exp/short', modifiedIndex: short.modifiedIndex + 1 }]);
    expect(Object.fromEntries(view.values)).toEqual({ '/exp/keep': 'k' });
  });

  it('on 401 (its waitIndex has left the 1000-event history) re-reads everything and then carries on exactly once', async () => {
    const view = new ConfdView(cluster.url(2), '/flood');
    await v2(cluster.url(0), 'PUT', '/flood/seed', { value: 'seed' });
    await view.readAll();
    const stale = view.waitIndex;

    const lastFlood = await flood(cluster, '/flood', 1005);
    await waitFor('the watched member to apply the flood', async () => Number((await v2(cluster.url(2), 'GET', '/flood/seed')).headers.get('x-etcd-index')) >= lastFlood, CLUSTER_WAIT_MS, cluster.recentOutput);

    await view.next();
    expect(view.rereads).toEqual([
      {
        errorCode: 401,
        message: 'The event in requested index is outdated and cleared',
        cause: `the requested history has been cleared [${lastFlood - 999}/${stale}]`,
        index: lastFlood,
      },
    ]);
    expect(view.changes).toEqual([]);
    expect(view.waitIndex).toBe(lastFlood + 1);
    expect(view.values.size).toBe(10);
    expect(view.values.get('/flood/seed')).toBe('seed');

    const after = changeOf(await v2(cluster.url(1), 'PUT', '/flood/after', { value: 'A' }));
    await view.next();
    expect(view.changes).toEqual([after]);
    expect(view.values.get('/flood/after')).toBe('A');
  });
});
