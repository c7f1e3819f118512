import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    // A beforeAll that starts a cluster of real processes may wait up to a minute for its leader
    // on a busy machine (bench/harness/process-cluster.ts, CLUSTER_WAIT_MS).
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time, on CI's two cores: most of the long files wait on real processes,
    // timers and TTLs rather than compute, and one at a time a whole run took over 30 minutes
    // on a busy CI machine (the limit is 20). Every multi-process wait is generous for this.
    maxWorkers: 2,
  },
});
