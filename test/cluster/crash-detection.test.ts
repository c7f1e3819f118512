// A leader whose process dies is noticed by its peers (its connections close, a redial is
// refused) and replaced within a few heartbeats; a paused leader keeps its connections open, and
// there the election timeout still governs. The election timeout here is long (10 s, so the first
// leader takes 10-20 s to appear) so that the two cannot be mistaken for each other.
import { describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';

const HEARTBEAT_MS = 100;
const ELECTION_MS = 10_000;
/** Crash detection elects within a few heartbeats; half the election timeout leaves a busy machine room and still tells them apart. */
const NEW_LEADER_WITHIN_MS = ELECTION_MS / 2;
/** How long a paused leader is watched: plus one slow status answer (below), still inside the election timeout. */
const PAUSE_WATCH_MS = 4000;
const STATUS_TIMEOUT_MS = 5000;

describe("a leader's crash is detected, not waited out", { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;
  useCluster({ size: 3, heartbeatMs: HEARTBEAT_MS, electionMs: ELECTION_MS, label: 'raftkv-crash-detection' }, (c) => (cluster = c), { noCrashes: true });

  const selfStats = (i: number) => getJSON(`${cluster.url(i)}/v2/stats/self`, STATUS_TIMEOUT_MS);

  it('after kill -9 of the leader, the survivors elect a new one well before the election timeout', async () => {
    const leader = await cluster.waitForLeader();
    const killedAt = Date.now();
    await cluster.kill(leader);
    let next = -1;
    await waitFor(
      `a new leader among the survivors within ${NEW_LEADER_WITHIN_MS} ms of the kill (the election timeout is ${ELECTION_MS} ms)`,
      async () => (next = await cluster.leader()) >= 0,
      NEW_LEADER_WITHIN_MS,
      cluster.recentOutput,
    );
    console.info(`crash detection: a new leader ${Date.now() - killedAt} ms after kill -9 of the leader (election timeout ${ELECTION_MS} ms)`);
    expect(next).not.toBe(leader);
    const survivors = [0, 1, 2].filter((i) => i !== leader);
    expect(survivors.some((i) => cluster.logs(i).includes('peer lost: its connection closed and a redial failed'))).toBe(true);

    await cluster.restart(leader);
  });

  it('a paused leader (SIGSTOP) keeps its connections open: its followers keep it for as long as it is watched', async () => {
    const leader = await cluster.waitForLeader();
    const leaderId = (await selfStats(leader)).id;
    const followers = [0, 1, 2].filter((i) => i !== leader);
    const pausedAt = Date.now();
    cluster.pause(leader);
    try {
      while (Date.now() - pausedAt < PAUSE_WATCH_MS) {
        for (const stats of await Promise.all(followers.map(selfStats))) {
          expect(stats, 'a follower answers /v2/stats/self').toBeDefined();
          expect({ state: stats.state, leader: stats.leaderInfo.leader }).toEqual({ state: 'StateFollower', leader: leaderId });
        }
        await sleep(200);
      }
    } finally {
      cluster.resume(leader);
    }
    expect(await cluster.waitForLeader()).toBe(leader);
  });
});
