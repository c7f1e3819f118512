// Quorum writes at increasing concurrency, all to the leader, then spread over every member
// (followers forward to the leader, as etcd's do).
import { concurrencyLevels, type CaseOutcome, type Workload } from './workload.js';

export const writes: Workload = {
  name: 'writes',
  async run(ctx) {
    const leader = await ctx.cluster.waitForLeader();
    const all = ctx.cluster.clientUrls();
    const outcomes: CaseOutcome[] = [];
    for (const [mode, endpoints] of [['leader', [all[leader]!]], ['spread', all]] as const) {
      for (const concurrency of concurrencyLevels(ctx.options, [1, 16, 64, 256])) {
        const name = `${mode} c=${concurrency}`;
        const params = { endpoints: [...endpoints], concurrency, valueSize: ctx.options.valueSize, prefix: `/bench/writes/${mode}-${concurrency}` };
        outcomes.push({ case: name, result: await ctx.load(name, 'put', params, ctx.timed) });
      }
    }
    return outcomes;
  },
};
