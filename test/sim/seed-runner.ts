// Runs the simulator over many random seeds with fast-check, or replays one seed. Every run is
// fixed by its seed, so a failure report is the seed and the command that replays it:
//   RAFT_SIM_SEED=<seed> npx vitest run <file>        (RAFT_SIM_TRACE=1 prints every event)
//   RAFT_SIM_RUNS=<n> npx vitest run test/sim          (n runs in all, split over cluster sizes)
import fc from 'fast-check';
import { runScenario, ScenarioFailure } from './scenario.js';
import { Tally } from './tally.js';

/**
 * Runs in `npm test`, split evenly over the 3- and 5-member suites. A run of the production
 * driver, store and digests costs about 0.15 s (3 members) and 0.25-0.4 s (5 members) on a busy
 * 2-core machine: 300 keeps the simulator near a minute and a half of `npm test`, which must
 * finish in CI's 20 minutes on such a machine (400 took two minutes; 500, 2.5 to 3).
 */
const DEFAULT_TOTAL_RUNS = 300;
const SUITES = 2;

export interface SeedsOutcome {
  runs: number;
  tally: Tally;
  slowestRecoveryTicks: number;
  /** Set when RAFT_SIM_SEED asked for one particular run. */
  replayed: boolean;
}

function replaySeed(): number | undefined {
  const raw = process.env.RAFT_SIM_SEED;
  if (raw === undefined || raw === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`RAFT_SIM_SEED must be an integer, got "${raw}"`);
  return seed;
}

export function runsPerSuite(): number {
  const raw = process.env.RAFT_SIM_RUNS;
  const total = raw ? Number(raw) : DEFAULT_TOTAL_RUNS;
  if (!Number.isInteger(total) || total < 1) throw new Error(`RAFT_SIM_RUNS must be a positive integer, got "${raw}"`);
  return Math.ceil(total / SUITES);
}

/**
 * Simulates `size`-member clusters over `regressions` (seeds that once failed) and random seeds,
 * or only the one in RAFT_SIM_SEED; throws on the first broken property.
 */
export async function simulateSeeds(size: number, testFile: string, regressions: readonly number[] = []): Promise<SeedsOutcome> {
  const tally = new Tally();
  let slowestRecoveryTicks = 0;
  let runs = 0;
  const run = async (seed: number): Promise<void> => {
    try {
      const result = await runScenario(seed, { size, echo: process.env.RAFT_SIM_TRACE ? (line) => console.log(line) : undefined });
      tally.addAll(result.tally);
      slowestRecoveryTicks = Math.max(slowestRecoveryTicks, result.recoveryTicks ?? 0);
      runs++;
    } catch (err) {
      if (!(err instanceof ScenarioFailure)) throw err;
      throw new Error(`${err.message}\n\nreplay this run: RAFT_SIM_SEED=${seed} npx vitest run ${testFile}\n`, { cause: err });
    }
  };
  const seed = replaySeed();
  if (seed !== undefined) {
    await run(seed);
    return { runs, tally, slowestRecoveryTicks, replayed: true };
  }
  // Shrinking a seed only tries unrelated runs, so stop at the first failure and report it as is.
  const details = await fc.check(fc.asyncProperty(fc.integer({ min: 0, max: 0x7fffffff }), run), {
    numRuns: runsPerSuite(),
    endOnFailure: true,
    examples: regressions.map((s) => [s] as [number]),
  });
  if (details.failed) throw details.errorInstance;
  return { runs, tally, slowestRecoveryTicks, replayed: false };
}
