#!/usr/bin/env node
// `npm run jepsen -- --time 600 --seed N [--members 3|5] [--kinds kill,replace-member] [--endpoints fixed|random|mixed]`:
// runs test/jepsen/jepsen.test.ts through vitest with JEPSEN_* set (the test reads them), after
// the npm script has built dist/. Without --members, a three- and a five-member run share the
// time and the fault kinds; with it, one run of that size gets all of both.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '600' },
    seed: { type: 'string' },
    members: { type: 'string' },
    kinds: { type: 'string' },
    endpoints: { type: 'string' },
  },
});
const env = { ...process.env, JEPSEN_TIME: values.time };
if (values.seed !== undefined) env.JEPSEN_SEED = values.seed;
if (values.members !== undefined) env.JEPSEN_MEMBERS = values.members;
if (values.kinds !== undefined) env.JEPSEN_KINDS = values.kinds;
if (values.endpoints !== undefined) env.JEPSEN_ENDPOINTS = values.endpoints;
const result = spawnSync('npx', ['vitest', 'run', 'test/jepsen/jepsen.test.ts'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
