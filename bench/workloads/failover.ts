// Failover: writes at concurrency 64 spread over every member, and kill -9 of the leader
// halfway through the measured time.
import { sleep } from '../harness/wait.js';
import type { Workload } from './workload.js';

const CONCURRENCY = 64;

export const failover: Workload = {
  name: 'failover',
  async run(ctx) {
    const leader = await ctx.cluster.waitForLeader();
    const name = `c=${CONCURRENCY}, kill -9 leader`;
    const params = { endpoints: ctx.cluster.clientUrls(), concurrency: CONCURRENCY, valueSize: ctx.options.valueSize, prefix: '/bench/failover' };
    const timing = { ...ctx.timed, timelineMs: 100 };
    const result = await ctx.load(name, 'failover', params, timing, async (send) => {
      await sleep((ctx.options.seconds * 1000) / 2);
      const at = Date.now();
      await ctx.cluster.kill(leader);
      send({ type: 'killed', member: leader, at });
    });
    const lost = result.notes['acknowledged writes lost'];
    if (lost !== 0) process.stderr.write(`\n${ctx.target} FAILOVER LOST ${lost} ACKNOWLEDGED WRITES\n`);
    return [{ case: name, result }];
  },
};
