// Failover: writes at concurrency 64 spread over every member while the harness takes the leader
// down --failovers times: with kill -9 in one case, with SIGTERM (a graceful hand-over of
// leadership) in the other. Each fault comes after --seconds of undisturbed writes; after it the
// harness waits for the next leader to acknowledge a write, restarts the member on its data dir,
// waits for it to catch up and for every writer to have had an answer to a write sent since (none
// still held by the fault), so that every fault strikes a whole, settled cluster.
import { CLUSTER_WAIT_MS, type ProcessCluster } from '../harness/process-cluster.js';
import { sleep, waitFor } from '../harness/wait.js';
import type { WorkerLink } from '../load-driver.js';
import type { Fault } from '../load-protocol.js';
import type { CaseOutcome, Workload, WorkloadContext } from './workload.js';

const CONCURRENCY = 64;

const CASES: { how: Fault['how']; name: string }[] = [
  { how: 'kill', name: `c=${CONCURRENCY}, kill -9 leader` },
  { how: 'term', name: `c=${CONCURRENCY}, SIGTERM leader (hand-over)` },
];

/** A header of member i's answer to GET /v2/keys/ (X-Raft-Term, X-Etcd-Index), as a number. */
async function header(cluster: ProcessCluster, i: number, name: string): Promise<number> {
  const res = await cluster.fetch(`${cluster.url(i)}/v2/keys/`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  const value = Number(res.headers.get(name));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${cluster.members[i]!.name} answered without ${name}`);
  return value;
}

/** Waits, generously, for the worker to report `report`. */
async function reported(cluster: ProcessCluster, what: string, report: Promise<unknown>): Promise<void> {
  let done = false;
  void report.then(() => (done = true));
  await waitFor(what, () => done, CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** Until every writer has had an answer to a write sent from now on, then --seconds of undisturbed writes. */
async function settle(ctx: WorkloadContext, worker: WorkerLink): Promise<void> {
  await reported(ctx.cluster, 'every writer to have had an answer to a write sent after the cluster settled', worker.settled(Date.now()));
  await sleep(ctx.options.seconds * 1000);
}

/** Waits until writes are acknowledged again, then until `member` is back and caught up. */
async function recover(cluster: ProcessCluster, worker: WorkerLink, fault: Fault, stopped: Promise<unknown>): Promise<void> {
  const name = cluster.members[fault.member]!.name;
  const signal = fault.how === 'kill' ? 'kill -9' : 'SIGTERM';
  await reported(cluster, `a write acknowledged by the leader after ${signal} of ${name} (fault ${fault.index + 1})`, worker.resumed(fault.index));
  await stopped;
  cluster.spawn(fault.member);
  let leader = -1;
  await waitFor(`${name} to restart on its data and agree with the others on a leader`,
    async () => (leader = await cluster.leader()) >= 0, CLUSTER_WAIT_MS, cluster.recentOutput);
  const index = await header(cluster, leader, 'x-etcd-index');
  await waitFor(`${name} to catch up to etcd index ${index}`,
    async () => (await header(cluster, fault.member, 'x-etcd-index')) >= index, CLUSTER_WAIT_MS, cluster.recentOutput);
}

/** --failovers faults of one kind, each on the leader of a settled cluster, then tells the worker to finish. */
async function faults(ctx: WorkloadContext, how: Fault['how'], worker: WorkerLink): Promise<void> {
  const { cluster } = ctx;
  await sleep(ctx.options.seconds * 1000);
  for (let index = 0; index < ctx.options.failovers; index++) {
    const member = await cluster.waitForLeader();
    const term = await header(cluster, member, 'x-raft-term');
    const at = Date.now();
    const stopped = how === 'kill' ? cluster.kill(member) : cluster.terminate(member);
    const fault: Fault = { index, member, how, at, term };
    worker.send({ type: 'fault', fault });
    await recover(cluster, worker, fault, stopped);
    await settle(ctx, worker);
  }
  worker.send({ type: 'finish' });
}

export const failover: Workload = {
  name: 'failover',
  async run(ctx) {
    const outcomes: CaseOutcome[] = [];
    for (const { how, name } of CASES) {
      const params = { endpoints: ctx.cluster.clientUrls(), concurrency: CONCURRENCY, valueSize: ctx.options.valueSize, prefix: `/bench/failover/${how}` };
      const timing = { warmupMs: ctx.timed.warmupMs, timelineMs: 100 };
      const result = await ctx.load(name, 'failover', params, timing, (worker) => faults(ctx, how, worker));
      for (const figure of ['acknowledged writes lost', 'duplicates'] as const) {
        const n = result.notes[figure];
        if (n !== 0) process.stderr.write(`\n${ctx.target} ${name}: ${n} ${figure.toUpperCase()}\n`);
      }
      outcomes.push({ case: name, result });
    }
    return outcomes;
  },
};
