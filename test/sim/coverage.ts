// A property test over random schedules proves little if the schedules never reached the hard
// cases: this asserts that, over all runs of a suite, each kind of fault and recovery happened.
import { expect } from 'vitest';
import type { Tally, TallyKey } from './tally.js';

const MUST_HAPPEN: TallyKey[] = [
  'entries applied',
  'writes refused by the store',
  'SYNCs applied',
  'reads answered',
  'messages lost',
  'partitions',
  'crashes',
  'crashes between send and persist',
  'crashes right after voting',
  'restarts',
  'snapshots taken',
  'snapshots installed',
  'learners added',
  'learners promoted',
  'voters added',
  'members removed',
  'conf changes refused',
  'request copies refused',
  'leadership transfers',
  'peer-down reports',
  'false peer-down reports',
  'peer-up reports',
];

/** Below this many runs (a small RAFT_SIM_RUNS) the rarer cases may fairly not come up. */
const RUNS_FOR_COVERAGE = 100;

export function expectFaultsExercised(tally: Tally, runs: number): void {
  if (runs < RUNS_FOR_COVERAGE) return;
  for (const key of MUST_HAPPEN) expect(tally.get(key), `${key} over all runs (${tally})`).toBeGreaterThan(0);
}
