// Waiting on a test cluster's observable state: every member caught up, watchers registered.
import type { TestCluster } from '../../support/cluster.js';
import { getJSON, waitFor } from '../../support/cluster.js';

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

/** The output of every member that died without the test killing it, for the failure report. */
export function crashedMemberLogs(cluster: TestCluster): string {
  return cluster.members
    .filter((m) => m.proc && (m.proc.exitCode !== null || m.proc.signalCode !== null))
    .map((m) => `--- ${m.name} exited (${m.proc!.exitCode ?? m.proc!.signalCode}):\n${m.output.join('')}`)
    .join('\n');
}
