// Memory: resident set size of every member after writing 100,000 distinct keys (1,000,000
// with --big); the write throughput of filling them is the row's figure.
import { sleep } from '../harness/wait.js';
import { residentBytes } from '../machine.js';
import { UNTIMED, type Workload } from './workload.js';

const CONCURRENCY = 64;
// Followers apply a moment after the leader acknowledges; let them catch up before measuring.
const SETTLE_MS = 1000;

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
    const notes = {
      [`RSS MiB (${members.map((i) => `m${i + 1}`).join('/')})`]: mib.join('/'),
      'max RSS MiB': Math.max(...mib),
      leader: `m${leader + 1}`,
    };
    return [{ case: name, result: { ...result, notes } }];
  },
};
