import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario } from './scenario.js';

describe('the simulator is deterministic', () => {
  it('replays a seed event for event: same trace hash, same recovery time, same tallies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.constantFrom(3, 5), (seed, size) => {
        const first = runScenario(seed, { size, chaosTicks: 150 });
        const second = runScenario(seed, { size, chaosTicks: 150 });
        expect(second.fingerprint).toBe(first.fingerprint);
        expect(second.recoveryTicks).toBe(first.recoveryTicks);
        expect(second.tally.toString()).toBe(first.tally.toString());
      }),
      { numRuns: 6 },
    );
  });

  it('different seeds give different runs', () => {
    const fingerprints = new Set([1, 2, 3, 4].map((seed) => runScenario(seed, { size: 3, chaosTicks: 100 }).fingerprint));
    expect(fingerprints.size).toBe(4);
  });
});
