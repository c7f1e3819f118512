// A member removed and added back on an empty data dir while the workload runs, as an operator
// replaces a machine: DELETE /v2/members/<id> through another member (the removed member stops
// itself, or was killed first), then POST /v2/members with the same peer URL and a start with
// --initial-cluster-state existing. raftkv adds every new member as a learner, which its leader
// promotes once it has caught up (src/server/membership-changes.ts); the promotion is awaited
// through the peer port's /members (etcd's member JSON, which marks learners).
import { rmSync } from 'node:fs';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import type { FaultTools } from './nemesis.js';
import type { ProxiedCluster } from './proxied-cluster.js';

/** Removes member i (running when `live`, else killed first) through `via`, then adds it back. */
export async function replaceMember(cluster: ProxiedCluster, i: number, via: number, live: boolean, t: FaultTools): Promise<void> {
  const p = cluster.processes;
  const m = p.members[i]!;
  if (live) p.expectExit(i);
  else await p.kill(i);
  t.log(`remove ${m.name} through ${p.members[via]!.name} (${live ? 'running: it stops itself' : 'killed first'})`);
  await removeMember(p, via, cluster.ids[i]!);
  if (live) {
    const code = await p.exited(i);
    t.log(`${m.name} exited (${code}) once removed`);
    await p.kill(i); // forgets the exited process
  }
  rmSync(m.dataDir, { recursive: true, force: true });
  await sleep(t.between(1000, 3000)); // the cluster runs one member short
  t.log(`add ${m.name} back on an empty data dir`);
  cluster.setId(i, await p.addAndStart(i, via));
  await waitFor(`${m.name} to be promoted from learner to voter`, async () => {
    const members: { peerURLs: string[]; isLearner?: boolean }[] | undefined = await getJSON(`${p.members[via]!.listenPeerUrl}/members`);
    const added = members?.find((x) => x.peerURLs[0] === m.peerUrl);
    return added && !added.isLearner;
  }, CLUSTER_WAIT_MS, p.recentOutput);
  t.log(`${m.name} promoted from learner to voter`);
}

/**
 * DELETE /v2/members/id, asked again while refused by the strict reconfiguration check (500);
 * 410 means an earlier try that answered 500 was applied after all.
 */
async function removeMember(p: ProcessCluster, via: number, id: string): Promise<void> {
  let status = 0;
  let answer = '';
  await waitFor(`member remove of ${id} to be accepted`, async () => {
    const res = await p.fetch(`${p.url(via)}/v2/members/${id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    [status, answer] = [res.status, await res.text()];
    return status !== 500;
  }, CLUSTER_WAIT_MS, () => `last answer ${status}: ${answer}\n${p.recentOutput()}`);
  if (status !== 204 && status !== 410) throw new Error(`member remove of ${id} answered ${status}: ${answer}`);
}
