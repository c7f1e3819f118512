import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario } from './scenario.js';

describe('the simulator is deterministic', () => {
  it('replays a seed event for event: same trace hash, same recovery time, same tallies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 0x7fffffff }), fc.constantFrom(3, 5), async (seed, size) => {
        const first = await runScenario(seed, { size, chaosTicks: 150 });
        const second = await runScenario(seed, { size, chaosTicks: 150 });
        expect(second.fingerprint).toBe(first.fingerprint);
        expect(second.recoveryTicks).toBe(first.recoveryTicks);
        expect(second.tally.toString()).toBe(first.tally.toString());
      }),
      { numRuns: 6 },
    );
  });

  it('different seeds give different runs', async () => {
    const fingerprints = new Set<string>();
    for (const seed of [1, 2, 3, 4]) fingerprints.add((await runScenario(seed, { size: 3, chaosTicks: 100 })).fingerprint);
    expect(fingerprints.size).toBe(4);
  });
});
