// Watch fan-out: 1,000 long-poll watchers on one directory, spread over every member.
import type { Workload } from './workload.js';

const WATCHERS = 1000;

export const watch: Workload = {
  name: 'watch',
  async run(ctx) {
    const leader = await ctx.cluster.waitForLeader();
    const name = `${WATCHERS} watchers, one dir`;
    const params = { endpoints: ctx.cluster.clientUrls(), leader, watchers: WATCHERS, dir: '/bench/watch' };
    return [{ case: name, result: await ctx.load(name, 'watch', params, ctx.timed) }];
  },
};
