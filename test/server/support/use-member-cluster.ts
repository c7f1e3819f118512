// A test file's in-process clusters: each test starts one with `started()`; after it, no member
// may have hit a fatal error, and the cluster is stopped.
import { afterEach, expect } from 'vitest';
import { MemberCluster } from './member-cluster.js';

export type ClusterSettingsArg = ConstructorParameters<typeof MemberCluster>[0];

export function useMemberCluster(): (settings?: ClusterSettingsArg) => Promise<MemberCluster> {
  let cluster: MemberCluster | undefined;
  afterEach(async () => {
    const running = cluster;
    cluster = undefined;
    if (!running) return;
    for (const m of running.members) expect(m.fatal).toEqual([]);
    await running.stop();
  });
  return async (settings = {}) => {
    cluster = await new MemberCluster(settings).start();
    return cluster;
  };
}
