// Memory: resident set size of every member after writing 100,000 distinct keys (1,000,000
// with --big); the write throughput of filling them is the row's figure. Then the time a member
// holding them takes to come back: a follower is killed (kill -9) and started again on its data,
// RESTARTS times, each timed from the spawn to its first /health answer of true.
import { CLUSTER_WAIT_MS } from '../harness/process-cluster.js';
import type { ProcessCluster } from '../harness/process-cluster.js';
import { getJSON } from '../harness/get-json.js';
import { sleep, waitFor } from '../harness/wait.js';
import { residentBytes } from '../machine.js';
import { UNTIMED, type Workload } from './workload.js';

const CONCURRENCY = 64;
// Followers apply a moment after the leader acknowledges; let them catch up before measuring.
const SETTLE_MS = 1000;
const RESTARTS = 3;
// A restart takes hundreds of ms: poll /health often enough that the poll does not blur it.
const RESTART_POLL_MS = 5;

/** ms from spawning member i again (after kill -9) until it answers /health with true. */
async function timeRestart(cluster: ProcessCluster, i: number): Promise<number> {
  await cluster.kill(i);
  const started = performance.now();
  cluster.spawn(i);
  const healthy = async (): Promise<boolean> => (await getJSON(`${cluster.url(i)}/health`, 1000, cluster.fetch))?.health === 'true';
  await waitFor(`${cluster.members[i]!.name} to answer /health with true after its restart`, healthy, CLUSTER_WAIT_MS, cluster.recentOutput, RESTART_POLL_MS);
  return performance.now() - started;
}

export const memory: Workload = {
  name: 'memory',
  async run(ctx) {
    const keys = ctx.options.big ? 1_000_000 : 100_000;
    const leader = await ctx.cluster.waitForLeader();
    const name = `${keys.toLocaleString('en-US')} keys`;
    const params = { endpoints: [ctx.cluster.clientUrls()[leader]!], concurrency: CONCURRENCY, valueSize: ctx.options.valueSize, prefix: '/bench/memory', keys };
    const result = await ctx.load(name, 'put', params, UNTIMED);
    await sleep(SETTLE_MS);
    const members = [...Array(ctx.cluster.size).keys()];
    const mib = members.map((i) => Math.round(residentBytes(ctx.cluster.pid(i)) / 2 ** 20));
    const follower = (leader + 1) % ctx.cluster.size;
    const restarts: number[] = [];
    for (let r = 0; r < RESTARTS; r++) restarts.push(Math.round(await timeRestart(ctx.cluster, follower)));
    const notes = {
      [`RSS MiB (${members.map((i) => `m${i + 1}`).join('/')})`]: mib.join('/'),
      'max RSS MiB': Math.max(...mib),
      leader: `m${leader + 1}`,
      'restart ms (a follower, kill -9 to /health true)': restarts.join('/'),
      'restart median ms': [...restarts].sort((a, b) => a - b)[Math.floor(RESTARTS / 2)]!,
    };
    return [{ case: name, result: { ...result, notes } }];
  },
};
