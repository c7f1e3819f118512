// Members whose wall clocks disagree by a minute, made so by libfaketime (Debian's faketime
// package) preloaded into one member: its Date.now() is 60 s off while its monotonic clock,
// which Node's timers run on, is left alone. A TTL must follow the cluster's time
// (src/server/cluster-clock.ts), not that member's: 60 s behind, it must not write keys that
// expire 60 s early; 60 s ahead and elected leader, it must not expire keys early.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS, ProcessCluster, RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import type { ProcessClusterOptions } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { keysOn } from './cluster-queries.js';

const SKEW_S = 60;
/**
 * Keys live this long: a member 60 s off that wrote (or expired) with its own clock would lose them
 * at once. Keys written before a leader change live longer, so that they are still there when the
 * skewed member takes over, however long a busy machine takes to elect it.
 */
const TTL_S = 8;
const TTL_ACROSS_ELECTION_S = 20;
/** A key may go this much before its TTL is up (a follower runs a commit behind the leader) … */
const EARLY_SLACK_MS = 2_000;
/** … and must be gone this long after it (a SYNC comes within 0.5 s; the rest is a busy machine's). */
const LATE_SLACK_MS = 20_000;
const POLL_MS = 250;

function faketimeLibrary(): string {
  const lib = readdirSync('/usr/lib').map((dir) => `/usr/lib/${dir}/faketime/libfaketime.so.1`).find((path) => existsSync(path));
  if (!lib) throw new Error('libfaketime is not installed: apt-get install faketime (.ci/run does)');
  return lib;
}

/** The server command: member `name` runs with its wall clock moved by `skew` ("+60s"), the others as they are. */
function skewing(name: string, skew: string): ProcessClusterOptions['server'] {
  const env = `LD_PRELOAD=${faketimeLibrary()} FAKETIME=${skew} FAKETIME_DONT_FAKE_MONOTONIC=1`;
  // sh -c <script> node raftkv.js <flags>: $0 is node, "$@" the server and its flags, --name among them.
  const script = `case " $* " in *" --name ${name} "*) export ${env};; esac; exec "$0" "$@"`;
  return { command: '/bin/sh', args: ['-c', script, process.execPath, RAFTKV_BIN] };
}

/**
 * A cluster whose member `skewed` (its wall clock moved by `skewS` seconds) starts only once the
 * other two have elected a leader, so it joins as a follower of a cluster whose time is right.
 */
async function clusterWithLateSkewedMember(skewed: number, skewS: number): Promise<ProcessCluster> {
  const name = `m${skewed + 1}`;
  const cluster = await ProcessCluster.create({ size: 3, label: 'raftkv-clock-skew', server: skewing(name, `${skewS > 0 ? '+' : ''}${skewS}s`) });
  try {
    const others = [0, 1, 2].filter((i) => i !== skewed);
    for (const i of others) cluster.spawn(i);
    await cluster.waitForLeader(CLUSTER_WAIT_MS, others);
    const spawnedAt = Date.now();
    cluster.spawn(skewed);
    let self: { startTime?: string; leaderInfo?: { leader?: string } } | undefined;
    // It serves clients once its publication has applied: it has caught up with the others.
    await waitFor(`${name} to join and serve clients`, async () => (self = await getJSON(`${cluster.url(skewed)}/v2/stats/self`))?.leaderInfo?.leader, CLUSTER_WAIT_MS, cluster.recentOutput);
    // Its start time is read off its own wall clock: proof that the skew took.
    const seenSkewS = (Date.parse(self!.startTime!) - spawnedAt) / 1000;
    expect(Math.abs(seenSkewS - skewS), `${name}'s wall clock is ${seenSkewS.toFixed(1)} s off`).toBeLessThan(15);
    await cluster.waitForLeader();
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Puts `count` keys with this `ttl` under `dir` through member `via`; returns this process's time before the first. */
async function writeTtlKeys(cluster: ProcessCluster, via: number, dir: string, ttl: number, count = 3): Promise<number> {
  const sentAt = Date.now();
  for (let k = 0; k < count; k++) {
    const res = await v2(cluster.url(via), 'PUT', `${dir}/k${k}`, { value: `v${k}`, ttl });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return sentAt;
}

/**
 * Watches `dir`'s keys with quorum reads on member `from` (whose clock is right) until they are
 * all gone, and checks that none went before its TTL was (nearly) up and all went soon after.
 */
async function expectExpiryOnTime(cluster: ProcessCluster, from: number, dir: string, sentAt: number, ttl: number, count = 3): Promise<void> {
  const url = cluster.url(from);
  const deadline = sentAt + ttl * 1000 + LATE_SLACK_MS;
  let firstMissingAt: number | undefined;
  for (;;) {
    const left = (await keysOn(url, dir, true)).size;
    const now = Date.now();
    if (left < count) firstMissingAt ??= now;
    if (left === 0) break;
    if (now > deadline) throw new Error(`${left} of the ttl=${ttl} keys under ${dir} were still there ${((now - sentAt) / 1000).toFixed(1)} s after they were written\n${cluster.recentOutput()}`);
    await sleep(POLL_MS);
  }
  const liveS = (firstMissingAt! - sentAt) / 1000;
  expect(liveS, `the first ttl=${ttl} key under ${dir} was gone ${liveS.toFixed(1)} s after it was written`).toBeGreaterThanOrEqual(ttl - EARLY_SLACK_MS / 1000);
}

describe('TTLs when members\' wall clocks disagree by a minute', { timeout: CLUSTER_TEST_MS }, () => {
  it('keys written through a member 60 s behind expire on time, not 60 s early', async () => {
    const behind = 1;
    const cluster = await clusterWithLateSkewedMember(behind, -SKEW_S);
    try {
      expect(await cluster.waitForLeader(), 'the skewed member is not the leader (its time would be the cluster\'s)').not.toBe(behind);
      const sentAt = await writeTtlKeys(cluster, behind, '/skew/behind', TTL_S);
      await expectExpiryOnTime(cluster, 0, '/skew/behind', sentAt, TTL_S);
      // It reads a TTL with the cluster's time too: a key another member wrote has 8 s left, not
      // 68 (or 9: seconds left round up, and a follower's clock may run a commit behind the writer's).
      expect((await v2(cluster.url(0), 'PUT', '/skew/elsewhere', { value: 'x', ttl: TTL_S })).status).toBe(201);
      const ttlLeft = (await v2(cluster.url(behind), 'GET', '/skew/elsewhere', { quorum: true })).body.node.ttl;
      expect(ttlLeft, 'the TTL left, read on the member behind').toBeGreaterThan(TTL_S - 5);
      expect(ttlLeft, 'the TTL left, read on the member behind').toBeLessThanOrEqual(TTL_S + 1);
      expect(cluster.crashes).toEqual([]);
    } finally {
      await cluster.stop();
    }
  });

  it('a member 60 s ahead that becomes leader expires no key early, and its own writes last their TTL, not 60 s more', async () => {
    const ahead = 2;
    const cluster = await clusterWithLateSkewedMember(ahead, SKEW_S);
    try {
      const oldLeader = await cluster.waitForLeader();
      expect(oldLeader, 'the skewed member joined as a follower').not.toBe(ahead);
      const other = 1 - oldLeader;
      const sentBefore = await writeTtlKeys(cluster, oldLeader, '/skew/before', TTL_ACROSS_ELECTION_S);
      // Make the skewed member the only possible successor: the other follower is down while one
      // more entry commits, so once the leader is gone too and it restarts, only the skewed
      // member's log is complete.
      await cluster.kill(other);
      expect((await v2(cluster.url(oldLeader), 'PUT', '/skew/marker', { value: 'missed by the member that was down' })).status).toBe(201);
      await cluster.kill(oldLeader);
      cluster.spawn(other);
      expect(await cluster.waitForLeader(), 'the member 60 s ahead is elected').toBe(ahead);
      const electedAfterS = (Date.now() - sentBefore) / 1000;
      expect(electedAfterS, 'the skewed member took over before the keys written earlier were due').toBeLessThan(TTL_ACROSS_ELECTION_S - EARLY_SLACK_MS / 1000);
      const sentAfter = await writeTtlKeys(cluster, ahead, '/skew/after', TTL_S);
      await Promise.all([
        expectExpiryOnTime(cluster, other, '/skew/before', sentBefore, TTL_ACROSS_ELECTION_S),
        expectExpiryOnTime(cluster, other, '/skew/after', sentAfter, TTL_S),
      ]);
      expect(cluster.crashes).toEqual([]);
    } finally {
      await cluster.stop();
    }
  });
});
