// compareAndSwap contention: 64 clients, spread over every member, incrementing one counter.
import type { Workload } from './workload.js';

const CLIENTS = 64;

export const cas: Workload = {
  name: 'cas',
  async run(ctx) {
    const name = `${CLIENTS} clients, one counter`;
    const params = { endpoints: ctx.cluster.clientUrls(), clients: CLIENTS, key: '/bench/cas/counter' };
    return [{ case: name, result: await ctx.load(name, 'cas', params, ctx.timed) }];
  },
};
