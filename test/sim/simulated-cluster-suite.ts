// The body of each property-test file: simulate clusters of one size over random seeds (or the
// seed in RAFT_SIM_SEED), and show that the schedules reached the hard cases.
import { describe, expect, it } from 'vitest';
import { expectFaultsExercised } from './coverage.js';
import { CHAOS_TICKS, RECOVERY_BOUND_TICKS } from './scenario.js';
import { runsPerSuite, simulateSeeds } from './seed-runner.js';

/** A hang guard, not a budget: a run takes well under a second even on a busy machine. */
const MS_PER_RUN_AT_MOST = 2_000;

/** `regressions`: seeds that once broke a property, run before the random ones (see seed-runner). */
export function describeSimulatedCluster(size: number, testFile: string, regressions: readonly number[] = []): void {
  describe(`a simulated ${size}-member cluster under random loss, delays, duplicates, partitions, crashes, membership changes and snapshots`, () => {
    it(`keeps one leader per term, matching logs, complete leaders, identical applied state, monotonic indexes and up-to-date read points, never stops a raft loop, and once healed applies a new write everywhere within ${RECOVERY_BOUND_TICKS} ticks`, async () => {
      const outcome = await simulateSeeds(size, testFile, regressions);
      if (outcome.replayed) return;
      expectFaultsExercised(outcome.tally, outcome.runs);
      // Excused only as the rare result of a removal over a lossy network: a member shut down
      // too early, or a survivor that never learns, would strand many runs.
      expect(outcome.tally.get('runs stranded by a removal'), 'runs stranded by a removal').toBeLessThanOrEqual(Math.ceil(outcome.runs / 100));
      console.log(`${outcome.runs} runs of ${CHAOS_TICKS} faulty ticks, ${size} members; slowest recovery ${outcome.slowestRecoveryTicks} ticks; ${outcome.tally}`);
    }, Math.max(120_000, runsPerSuite() * MS_PER_RUN_AT_MOST));
  });
}
