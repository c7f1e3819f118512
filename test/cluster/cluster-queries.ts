// What the membership tests ask a process cluster, as an operator would: ids, member lists, how
// far a member has applied, keys, and etcdctl (v2) against one member.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { v2 } from '../support/http.js';

const run = promisify(execFile);

export async function memberId(cluster: ProcessCluster, i: number): Promise<string> {
  return (await getJSON(`${cluster.url(i)}/v2/stats/self`)).id;
}

export async function membersSeenBy(cluster: ProcessCluster, i: number): Promise<{ id: string; name: string; peerURLs: string[]; clientURLs: string[] }[]> {
  return (await getJSON(`${cluster.url(i)}/v2/members`)).members;
}

export async function etcdIndex(url: string): Promise<number> {
  return Number((await v2(url, 'GET', '/')).headers.get('x-etcd-index'));
}

/** Waits until member i has applied everything member `from` had applied when asked. */
export async function caughtUp(cluster: ProcessCluster, i: number, from: number): Promise<void> {
  const target = await etcdIndex(cluster.url(from));
  await waitFor(`${cluster.members[i]!.name} to catch up`, async () => (await etcdIndex(cluster.url(i))) >= target, CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** A learner is promoted by the leader once it replicates; the leader says so in its log. */
export async function promoted(cluster: ProcessCluster, id: string): Promise<void> {
  // The API prints ids as etcd does (no leading zeros); the log names them in raftkv's 16 digits.
  const line = new RegExp(`"learner":"${id.padStart(16, '0')}"[^\\n]*promoting a caught-up learner to voter`);
  await waitFor(`learner ${id} to be promoted`, async () => cluster.members.some((_, i) => line.test(cluster.logs(i))), CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** The keys directly under `dir`, read locally or (quorum) through the leader's commit index. */
export async function keysOn(url: string, dir: string, quorum = false): Promise<Set<string>> {
  const res = await v2(url, 'GET', dir, { recursive: true, ...(quorum ? { quorum: true } : {}) });
  return new Set((res.body.node.nodes ?? []).map((n: { key: string }) => n.key));
}

/** etcdctl's 1 s request timeout is tight for a change that waits for a commit on a busy 2-core machine. */
export function etcdctl(cluster: ProcessCluster, via: number, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('etcdctl', ['--no-sync', '--timeout', '10s', '--total-timeout', '20s', '--endpoints', cluster.url(via), ...args], {
    env: { ...process.env, ETCDCTL_API: '2' },
  });
}

/**
 * `etcdctl member add` of a new slot through member `via`, asked again while it is refused (as
 * etcd, "unhealthy cluster" until every voter has been connected for 5 s), then the new member
 * started with the ETCD_INITIAL_CLUSTER etcdctl printed. Returns its slot and etcdctl's output.
 */
export async function addWithEtcdctl(cluster: ProcessCluster, via: number): Promise<{ slot: number; stdout: string }> {
  const slot = await cluster.newSlot();
  const fresh = cluster.members[slot]!;
  let added = { stdout: '', stderr: '' };
  await waitFor(`etcdctl member add of ${fresh.name} to be accepted`, async () => (added = await etcdctl(cluster, via, 'member', 'add', fresh.name, fresh.peerUrl)), CLUSTER_WAIT_MS, cluster.recentOutput);
  const initialCluster = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(added.stdout)?.[1];
  if (!initialCluster) throw new Error(`etcdctl member add printed no ETCD_INITIAL_CLUSTER:\n${added.stdout}`);
  fresh.joinCluster = initialCluster;
  cluster.spawn(slot);
  return { slot, stdout: added.stdout };
}
