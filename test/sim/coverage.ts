// A property test over random schedules proves little if the schedules never reached the hard
// cases: this asserts that, over all runs of a suite, each kind of fault and recovery happened.
import { expect } from 'vitest';
import type { Tally, TallyKey } from './tally.js';

const MUST_HAPPEN: TallyKey[] = [
  'entries applied',
  'messages lost',
  'partitions',
  'crashes',
  'crashes between send and persist',
  'restarts',
  'snapshots taken',
  'snapshots installed',
  'conf changes applied',
  'leadership transfers',
];

export function expectFaultsExercised(tally: Tally): void {
  for (const key of MUST_HAPPEN) expect(tally.get(key), `${key} over all runs (${tally})`).toBeGreaterThan(0);
}
