#!/usr/bin/env node
// `npm run jepsen -- --time 600 --seed N`: runs test/jepsen/jepsen.test.ts through vitest with
// JEPSEN_TIME / JEPSEN_SEED set (the test reads them), after the npm script has built dist/.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { time: { type: 'string', default: '600' }, seed: { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const env = { ...process.env, JEPSEN_TIME: values.time };
if (values.seed !== undefined) env.JEPSEN_SEED = values.seed;
const result = spawnSync('npx', ['vitest', 'run', 'test/jepsen/jepsen.test.ts'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
