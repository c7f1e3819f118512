// Patroni 3.0.2 (Debian's, its etcd v2 DCS on python3-etcd) running three PostgreSQL 15 servers
// with a three-member raftkv cluster as its DCS, deployed as in production: leader lock, member keys
// and failover key in raftkv (TTL creates with prevExist=false, refreshes with prevValue+ttl,
// prevIndex swaps, wait=true watches, endpoints from /v2/machines). A sampler asks every Postgres
// for pg_is_in_recovery() every ~200 ms from start to end: never two primaries at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { crashedMemberLogs } from './support/cluster-state.js';
import { PatroniCluster } from './support/patroni-cluster.js';
import { DCS_TIMING } from './support/patroni-config.js';
import type { PatroniNode } from './support/patroni-node.js';
import { PrimarySampler } from './support/primary-sampler.js';
import { start } from './support/processes.js';
import type { Finished } from './support/processes.js';

/** initdb, a primary, two pg_basebackups and Patroni's loops, on a busy 2-core machine. */
const BOOTSTRAP_MS = 2 * CLUSTER_WAIT_MS;
/** A replica promoted once the dead primary's lock expires (ttl), plus room for a busy machine. */
const FAILOVER_MS = DCS_TIMING.ttl * 1000 + CLUSTER_WAIT_MS / 2;

/** What `promise` settles to, or undefined once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// A step waits on up to five slow things in a row (health, a watch, patronictl, a member's restart,
// health again): twice a multi-process test's usual budget, so its own waits fail first, with their story.
describe('Patroni with PostgreSQL on a three-member raftkv cluster', { timeout: 2 * CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  let patroni: PatroniCluster;
  let sampler: PrimarySampler;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3, label: 'raftkv-patroni-dcs' });
    const taken = new Set(cluster.members.flatMap((m) => [m.clientUrl, m.peerUrl].map((u) => Number(new URL(u).port))));
    patroni = await PatroniCluster.create(cluster.clientUrls(), taken);
    for (const node of patroni.nodes) node.start();
    sampler = new PrimarySampler(patroni.nodes);
  });
  afterAll(async () => {
    await sampler?.stop();
    await patroni?.stop();
    const crashed = cluster ? crashedMemberLogs(cluster) : '';
    await cluster?.stop();
    expect(crashed, 'no raftkv member dies on its own').toBe('');
    if (sampler) expectNoSplitBrain();
  });

  /** Read through a running raftkv member, quorum: what the cluster has now. */
  async function dcsGet(key: string, params: Record<string, string | boolean> = {}): Promise<any> {
    return (await v2(liveUrl(), 'GET', key, { quorum: true, ...params })).body;
  }

  function liveUrl(): string {
    return cluster.url(cluster.members.findIndex((_, i) => cluster.isRunning(i)));
  }

  /**
   * The first two changes of the leader lock after index `after`, skipping refreshes by `holder`
   * still in flight when it died; from raftkv's event history (wait=true&waitIndex).
   */
  async function lockEventsAfter(after: number, holder: string): Promise<any[]> {
    const events: any[] = [];
    for (let index = after + 1; events.length < 2;) {
      const event = (await v2(liveUrl(), 'GET', patroni.leaderKey, { wait: true, waitIndex: index })).body;
      index = event.node.modifiedIndex + 1;
      if (events.length > 0 || event.action !== 'compareAndSwap' || event.node.value !== holder) events.push(event);
    }
    return events;
  }

  function expectNoSplitBrain(): void {
    expect(sampler.splitBrains, 'samples in which two Postgres servers were primary at once').toEqual([]);
  }

  it('bootstraps one primary and two streaming replicas; the leader lock is a TTL key in raftkv', async () => {
    const { primary, replicas } = await patroni.waitHealthy('Patroni to bootstrap one primary and two streaming replicas', BOOTSTRAP_MS);
    expect(replicas).toHaveLength(2);
    const leader = (await dcsGet(patroni.leaderKey)).node;
    expect(leader.value).toBe(primary.name);
    expect(leader.ttl).toBeGreaterThan(0);
    expect(leader.ttl).toBeLessThanOrEqual(DCS_TIMING.ttl);
    const members = (await dcsGet(`/service/${patroni.scope}/members`, { sorted: true })).node.nodes;
    expect(members.map((m: any) => m.key)).toEqual(patroni.nodes.map((n) => `/service/${patroni.scope}/members/${n.name}`));
    for (const m of members) expect(JSON.parse(m.value).role).toBe(m.key.endsWith(primary.name) ? 'master' : 'replica');
    const config = JSON.parse((await dcsGet(`/service/${patroni.scope}/config`)).node.value);
    expect(config).toMatchObject(DCS_TIMING);
    expect(sampler.samples, 'the sampler ran').toBeGreaterThan(0);
    expectNoSplitBrain();
  });

  it("fails over within ttl when the primary's machine dies (kill -9 Patroni and its postgres); the old primary rejoins as a replica", async () => {
    const { primary: old } = await patroni.waitHealthy('one primary and two streaming replicas', CLUSTER_WAIT_MS);
    await old.kill();
    const lastRefresh = (await dcsGet(patroni.leaderKey)).node;
    let next: PatroniNode | undefined;
    await waitFor('another node to become primary (Postgres and Patroni agree)', async () => {
      for (const n of patroni.nodes.filter((x) => x !== old)) if ((await n.pgRole()) === 'primary' && (await n.restSays('primary'))) next = n;
      return next;
    }, FAILOVER_MS, () => patroni.explain());
    // Nobody took a live lock: the first change after the dead primary's last refresh is its expiry,
    // then the new primary's create (prevExist=false).
    const [expiry, taken] = await lockEventsAfter(lastRefresh.modifiedIndex, old.name);
    expect([expiry.action, expiry.prevNode?.value], JSON.stringify(expiry)).toEqual(['expire', old.name]);
    expect([taken.action, taken.node.value], JSON.stringify(taken)).toEqual(['create', next!.name]);
    expect((await dcsGet(patroni.leaderKey)).node.value).toBe(next!.name);

    old.start();
    const after = await patroni.waitHealthy(`${old.name} to rejoin as a replica of ${next!.name}`, BOOTSTRAP_MS);
    expect(after.primary).toBe(next);
    expectNoSplitBrain();
  });

  it('keeps its leader lock when the raftkv member its primary talks to is killed: nothing fails over', async () => {
    const { primary } = await patroni.waitHealthy('one primary and two streaming replicas', CLUSTER_WAIT_MS);
    const server = primary.etcdServer();
    const victim = cluster.clientUrls().indexOf(server ?? '');
    expect(victim, `${primary.name} names the raftkv member it uses (${server})`).toBeGreaterThanOrEqual(0);
    const lockBefore = (await dcsGet(patroni.leaderKey)).node;
    const startedBefore = await primary.sql('select pg_postmaster_start_time()');
    await cluster.kill(victim);
    try {
      // A full ttl and then some: the lock survives only if Patroni refreshed it through another member.
      const until = Date.now() + (DCS_TIMING.ttl + 3 * DCS_TIMING.loop_wait) * 1000;
      while (Date.now() < until) {
        expect((await dcsGet(patroni.leaderKey)).node.value, 'the leader lock').toBe(primary.name);
        // 'down' may be a psql slow to connect on a busy machine; a demotion shows in the start time below.
        expect(await primary.pgRole(), `${primary.name} is not demoted`).not.toBe('replica');
        await sleep(500);
      }
      const lockAfter = (await dcsGet(patroni.leaderKey)).node;
      expect(lockAfter.modifiedIndex, 'the lock was refreshed meanwhile').toBeGreaterThan(lockBefore.modifiedIndex);
      expect(primary.etcdServer(), 'Patroni moved to another raftkv member').not.toBe(server);
      expect(await primary.sql('select pg_postmaster_start_time()'), 'postgres was never restarted').toBe(startedBefore);
      expect(await primary.restSays('primary')).toBe(true);
    } finally {
      await cluster.restart(victim);
    }
    expectNoSplitBrain();
  });

  it('a switchover with the raftkv leader killed mid-way completes or is refused cleanly, and one primary remains', async () => {
    const { primary, replicas } = await patroni.waitHealthy('one primary and two streaming replicas', CLUSTER_WAIT_MS);
    const candidate = replicas[0]!;
    const raftLeader = await cluster.waitForLeader();
    const watchVia = cluster.url((raftLeader + 1) % cluster.size);
    // From the index now, so the watch sees the failover key's write however late it registers.
    const index = Number((await v2(watchVia, 'GET', '/')).headers.get('x-etcd-index'));
    const failoverWritten = v2(watchVia, 'GET', `/service/${patroni.scope}/failover`, { wait: true, waitIndex: index + 1 }, CLUSTER_WAIT_MS);

    const ctl = start('/usr/bin/patronictl', ['-c', primary.configFile, 'switchover', '--leader', primary.name, '--candidate', candidate.name, '--force'], process.env);
    let outcome: Finished | undefined;
    try {
      const event = await Promise.race([failoverWritten, ctl.exited.then((f) => {
        throw new Error(`patronictl exited (${f.code}) before the failover key was written: ${f.stdout} ${f.stderr}`);
      })]);
      expect(event.body.node.value, 'the failover key Patroni wrote').toContain(candidate.name);
      // Patroni's leader has yet to act on the key: demote, release the lock, the candidate take it.
      await cluster.kill(raftLeader);
      outcome = await within(ctl.exited, CLUSTER_WAIT_MS);
    } finally {
      await ctl.kill();
      await cluster.restart(raftLeader);
    }
    expect(outcome, `patronictl finished; so far: ${ctl.stdout()} ${ctl.stderr()}`).toBeDefined();
    expect(outcome!.code, outcome!.stderr).toBe(0);
    // Patroni's own words for each way a switchover ends (api.py poll_failover_result, ctl.py).
    const said = outcome!.stdout.match(/Successfully switched over to "(\w+)"|Switched over to "\w+" instead of|Switchover failed|Switchover status unknown|falling back to DCS/);
    expect(said, outcome!.stdout).not.toBeNull();

    const after = await patroni.waitHealthy('one primary and two streaming replicas after the switchover', BOOTSTRAP_MS);
    if (said![1]) expect(after.primary.name, outcome!.stdout).toBe(candidate.name);
    expect((await dcsGet(patroni.leaderKey)).node.value).toBe(after.primary.name);
    expectNoSplitBrain();
  });
});
