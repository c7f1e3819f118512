// A test cluster's observable state: every member caught up, watchers registered, history flooded.
import type { TestCluster } from '../../support/cluster.js';
import { getJSON, waitFor } from '../../support/cluster.js';
import { pool, v2 } from '../../support/http.js';

async function etcdIndex(url: string): Promise<number> {
  const res = await fetch(`${url}/v2/keys/`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return Number(res.headers.get('x-etcd-index'));
}

/** Waits until every live member has applied the same store index, and returns it: after an
 * acknowledged write, agreement means everyone has applied it. */
export async function settledIndex(cluster: TestCluster): Promise<number> {
  let index = 0;
  await waitFor(async () => {
    const live = cluster.members.map((m, i) => (m.proc ? i : -1)).filter((i) => i >= 0);
    const seen = await Promise.all(live.map((i) => etcdIndex(cluster.url(i))));
    index = seen[0]!;
    return seen.every((x) => x === index);
  }, 10000, 'every member to apply the same index');
  return index;
}

/** The number of watchers registered on all members together (`/v2/stats/store`). */
export async function watcherCount(cluster: TestCluster): Promise<number> {
  let total = 0;
  for (let i = 0; i < cluster.members.length; i++) {
    if (cluster.members[i]!.proc) total += (await getJSON(`${cluster.url(i)}/v2/stats/store`))?.watchers ?? 0;
  }
  return total;
}

export async function waitForWatchers(cluster: TestCluster, atLeast: number): Promise<void> {
  await waitFor(async () => (await watcherCount(cluster)) >= atLeast, 10000, `${atLeast} watcher(s) to register`);
}

/** Waits for watches of earlier tests to be gone: a closed connection frees its watcher a moment later. */
export async function waitForNoWatchers(cluster: TestCluster): Promise<void> {
  await waitFor(async () => (await watcherCount(cluster)) === 0, 5000, 'earlier watchers to be gone');
}

/** The output of every member that died without the test killing it, for the failure report. */
export function crashedMemberLogs(cluster: TestCluster): string {
  return cluster.members
    .filter((m) => m.proc && (m.proc.exitCode !== null || m.proc.signalCode !== null))
    .map((m) => `--- ${m.name} exited (${m.proc!.exitCode ?? m.proc!.signalCode}):\n${m.output.join('')}`)
    .join('\n');
}

/** `count` writes under `prefix` through the leader (no forwarding hop), to push older events out
 * of the 1000-event history; returns the last index written. */
export async function flood(cluster: TestCluster, prefix: string, count: number): Promise<number> {
  const leader = cluster.url(await cluster.waitForLeader());
  let last = 0;
  await pool(count, 64, async (i) => {
    const res = await v2(leader, 'PUT', `${prefix}/k${i % 9}`, { value: `f${i}` });
    if (res.status !== 200 && res.status !== 201) throw new Error(`flood write: ${res.status} ${JSON.stringify(res.body)}`);
    last = Math.max(last, res.body.node.modifiedIndex);
  });
  return last;
}
