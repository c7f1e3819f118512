// Short randomised fault-injection runs against real raftkv processes: a three-member and a
// five-member cluster, the fault kinds dealt between them by the seed (so every kind runs in
// every `npm test`, against a size that changes from seed to seed). `npm run jepsen -- --time
// 600 --seed N` runs long ones through the same test. Environment:
//   JEPSEN_TIME     seconds of faults in all (default 48), split 8:7 between the two runs
//   JEPSEN_SEED     the seed (random by default; printed)
//   JEPSEN_MEMBERS  3 or 5: one run of that size, with every kind
//   JEPSEN_KINDS    e.g. isolate-leader,kill: only these, in every run
//   JEPSEN_ENDPOINTS fixed (client c always asks member c mod n), random (a random member per
//                   operation) or mixed (half the clients each way; the default)
//   JEPSEN_QUORUM_READS=false checks the checker: reads without quorum=true must be caught as stale
//   JEPSEN_UNSAFE_RETRIES=true checks the duplicate checks: a write whose outcome is unknown is
//                   sent again as the same operation, and writes applied twice must be caught
import { expect, it } from 'vitest';
import { Random } from '../sim/random.js';
import { runJepsen } from './jepsen-run.js';
import { FAULT_KINDS } from './nemesis.js';
import type { FaultKind } from './nemesis.js';
import type { EndpointChoice } from './workload.js';

const seconds = Number(process.env.JEPSEN_TIME ?? 48);
const seed = Number(process.env.JEPSEN_SEED ?? Math.floor(Math.random() * 2 ** 31));
const chosenKinds = process.env.JEPSEN_KINDS ? (process.env.JEPSEN_KINDS.split(',') as FaultKind[]) : undefined;
for (const k of chosenKinds ?? []) if (!FAULT_KINDS.includes(k)) throw new Error(`JEPSEN_KINDS: unknown kind ${k} (kinds: ${FAULT_KINDS.join(', ')})`);
const quorumReads = process.env.JEPSEN_QUORUM_READS !== 'false';
const unsafeRetries = process.env.JEPSEN_UNSAFE_RETRIES === 'true';
const endpointChoice = (process.env.JEPSEN_ENDPOINTS ?? 'mixed') as EndpointChoice;
const sizes = process.env.JEPSEN_MEMBERS ? [Number(process.env.JEPSEN_MEMBERS)] : [3, 5];

/** The kinds each run gets: all (or the chosen ones) for a single run; else dealt alternately from a seeded shuffle. */
function kindsFor(run: number): readonly FaultKind[] {
  if (chosenKinds || sizes.length === 1) return chosenKinds ?? FAULT_KINDS;
  const rnd = new Random(seed ^ 0x5eed);
  const order = FAULT_KINDS.map((k) => ({ k, r: rnd.next() })).sort((a, b) => a.r - b.r).map((x) => x.k);
  return order.filter((_, i) => i % sizes.length === run);
}

sizes.forEach((members, run) => {
  const runSeconds = sizes.length === 1 ? seconds : Math.round((seconds * (run === 0 ? 8 : 7)) / 15);
  const kinds = kindsFor(run);
  // Beyond the faults, starting, electing and converging may each take up to a minute on a busy machine.
  const budgetMs = (runSeconds + 300) * 1000;
  it(`${members} members: linearizable, durable, every write applied once, convergent (seed ${seed}, ${runSeconds} s: ${kinds.join(', ')})`, async () => {
    console.log(`jepsen: seed ${seed}, ${members} members, ${runSeconds} s of faults (rerun: JEPSEN_SEED=${seed} JEPSEN_TIME=${seconds} npx vitest run test/jepsen/jepsen.test.ts)`);
    const report = await runJepsen({ seed, members, timeMs: runSeconds * 1000, kinds, quorumReads, endpointChoice, unsafeRetries, log: (line) => console.log(line) });
    console.log(report.summary);
    expect(report.ok, report.summary).toBe(true);
  }, budgetMs);
});
