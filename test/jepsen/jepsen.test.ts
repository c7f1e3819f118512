// A short randomised fault-injection run against real raftkv processes (every fault kind at
// least once). `npm run jepsen -- --time 600 --seed N` runs a long one through the same test:
// JEPSEN_TIME (seconds) and JEPSEN_SEED choose its length and seed.
import { expect, it } from 'vitest';
import { runJepsen } from './jepsen-run.js';
import type { FaultKind } from './nemesis.js';

const seconds = Number(process.env.JEPSEN_TIME ?? 45);
const seed = Number(process.env.JEPSEN_SEED ?? Math.floor(Math.random() * 2 ** 31));
// JEPSEN_KINDS=isolate-leader,kill limits the faults; JEPSEN_QUORUM_READS=false checks the checker
// (reads without quorum=true must then be caught as stale).
const kinds = process.env.JEPSEN_KINDS ? (process.env.JEPSEN_KINDS.split(',') as FaultKind[]) : undefined;
const quorumReads = process.env.JEPSEN_QUORUM_READS !== 'false';
// Beyond the faults, starting, electing and converging may each take up to a minute on a busy machine.
const budgetMs = (seconds + 300) * 1000;

it(`linearizable, durable and convergent under kill -9, pauses and partitions (seed ${seed}, ${seconds} s)`, async () => {
  console.log(`jepsen: seed ${seed}, ${seconds} s of faults (rerun: JEPSEN_SEED=${seed} JEPSEN_TIME=${seconds} npx vitest run test/jepsen/jepsen.test.ts)`);
  const report = await runJepsen({ seed, timeMs: seconds * 1000, kinds, quorumReads, log: (line) => console.log(line) });
  console.log(report.summary);
  expect(report.ok, report.summary).toBe(true);
}, budgetMs);
