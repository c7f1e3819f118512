// A suite's real cluster: started before its tests, stopped after them, and (with noCrashes) a
// member that died on its own fails the suite with its last output.
import { afterAll, beforeAll, expect } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import type { ProcessClusterOptions } from '../../bench/harness/process-cluster.js';
import { crashedMemberLogs } from '../clients/support/cluster-state.js';

export function useCluster(options: ProcessClusterOptions, onStarted: (cluster: ProcessCluster) => void, { noCrashes = false } = {}): void {
  let cluster: ProcessCluster | undefined;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(options);
    onStarted(cluster);
  });
  afterAll(async () => {
    const crashed = cluster ? crashedMemberLogs(cluster) : '';
    await cluster?.stop();
    if (noCrashes) expect(crashed, 'no member dies on its own').toBe('');
  });
}
