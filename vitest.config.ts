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
  },
});
