// A test cluster's observable state: every member caught up, watchers registered, history flooded.
import { getJSON } from '../../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS } from '../../../bench/harness/process-cluster.js';
import type { ProcessCluster } from '../../../bench/harness/process-cluster.js';
import { waitFor } from '../../../bench/harness/wait.js';
import { pool, v2 } from '../../support/http.js';

async function etcdIndex(cluster: ProcessCluster, url: string): Promise<number> {
  const res = await cluster.fetch(`${url}/v2/keys/`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return Number(res.headers.get('x-etcd-index'));
}

/** Waits until every live member has applied the same store index, and returns it: after an
 * acknowledged write, agreement means everyone has applied it. */
export async function settledIndex(cluster: ProcessCluster): Promise<number> {
  let index = 0;
  await waitFor('every member to apply the same index', async () => {
    const live = cluster.members.map((_, i) => i).filter((i) => cluster.isRunning(i));
    const seen = await Promise.all(live.map((i) => etcdIndex(cluster, cluster.url(i))));
    index = seen[0]!;
    return seen.every((x) => x === index);
  }, CLUSTER_WAIT_MS, cluster.recentOutput);
  return index;
}

/** The number of watchers registered on all members together (`/v2/stats/store`). */
export async function watcherCount(cluster: ProcessCluster): Promise<number> {
  let total = 0;
  for (let i = 0; i < cluster.members.length; i++) {
    if (cluster.isRunning(i)) total += (await getJSON(`${cluster.url(i)}/v2/stats/store`, undefined, cluster.fetch))?.watchers ?? 0;
  }
  return total;
}

export async function waitForWatchers(cluster: ProcessCluster, atLeast: number): Promise<void> {
  await waitFor(`${atLeast} watcher(s) to register`, async () => (await watcherCount(cluster)) >= atLeast, CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** Waits for watches of earlier tests to be gone: a closed connection frees its watcher a moment later. */
export async function waitForNoWatchers(cluster: ProcessCluster): Promise<void> {
  await waitFor('earlier watchers to be gone', async () => (await watcherCount(cluster)) === 0, CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** The output of every member that died without the test killing it, for the failure report. */
export function crashedMemberLogs(cluster: ProcessCluster): string {
  return cluster.crashes.map((c) => `--- ${c.member} exited (${c.code ?? c.signal}):\n${c.tail}`).join('\n');
}

/** `count` writes under `prefix` through the leader (no forwarding hop), to push older events out
 * of the 1000-event history; returns the last index written. */
export async function flood(cluster: ProcessCluster, prefix: string, count: number): Promise<number> {
  const leader = cluster.url(await cluster.waitForLeader());
  let last = 0;
  await pool(count, 64, async (i) => {
    const res = await v2(leader, 'PUT', `${prefix}/k${i % 9}`, { value: `f${i}` });
    if (res.status !== 200 && res.status !== 201) throw new Error(`flood write: ${res.status} ${JSON.stringify(res.body)}`);
    last = Math.max(last, res.body.node.modifiedIndex);
  });
  return last;
}
