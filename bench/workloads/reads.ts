// Reads spread over every member: default GETs (served from the member's own store) and
// quorum=true GETs (linearizable), of keys written beforehand.
import { concurrencyLevels, UNTIMED, type CaseOutcome, type Workload } from './workload.js';

const KEYS = 1000;
const PREFIX = '/bench/reads';

export const reads: Workload = {
  name: 'reads',
  async run(ctx) {
    const endpoints = ctx.cluster.clientUrls();
    await ctx.load('reads: writing keys', 'put', { endpoints, concurrency: 16, valueSize: ctx.options.valueSize, prefix: PREFIX, keys: KEYS }, UNTIMED);
    const outcomes: CaseOutcome[] = [];
    for (const quorum of [false, true]) {
      for (const concurrency of concurrencyLevels(ctx.options, [1, 64])) {
        const name = `${quorum ? 'quorum' : 'default'} c=${concurrency}`;
        outcomes.push({ case: name, result: await ctx.load(name, 'get', { endpoints, concurrency, quorum, prefix: PREFIX, keys: KEYS }, ctx.timed) });
      }
    }
    return outcomes;
  },
};
