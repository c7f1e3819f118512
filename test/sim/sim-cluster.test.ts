import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../src/server/commands.js';
import type { V2Request } from '../../src/store/types.js';
import { Random } from './random.js';
import { SimCluster } from './sim-cluster.js';
import type { MemberSettings } from './sim-member.js';
import { Trace } from './trace.js';

const settings: MemberSettings = {
  tickMs: 10,
  electionTick: 10,
  preVote: true,
  snapshotCount: 20,
  catchUpEntries: 2,
  historySize: 4,
  disk: { min: 0, max: 2 },
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 256,
};

async function withLeader(): Promise<SimCluster> {
  const cluster = new SimCluster(3, settings, new Random(7), new Trace(20));
  for (let t = 0; t < 100 && !cluster.leader(); t++) await cluster.runTicks(1);
  expect(cluster.leader()).toBeDefined();
  return cluster;
}

describe('a simulated cluster of production members', () => {
  it('replicates a v2 write into every member’s real store', async () => {
    const cluster = await withLeader();
    const leader = cluster.leader()!;
    const seq = leader.proposeWrite({ method: 'PUT', path: '/a', val: '1' });
    await cluster.runTicks(5);
    const at = leader.appliedAt(seq);
    expect(at).toBeGreaterThan(0);
    for (const m of cluster.members.values()) expect(m.appliedIndex).toBeGreaterThanOrEqual(at!);
    cluster.checkLogs();
  });

  it('fails the run when a member’s raft loop stops (here: on a committed write its store cannot apply)', async () => {
    const cluster = await withLeader();
    const pathless = { method: 'PUT', time: 0 } as unknown as V2Request;
    cluster.leader()!.act((node) => node.propose(encodeCommand({ kind: 'v2', from: 'nobody', seq: 1, req: pathless })));
    await expect(cluster.runTicks(5)).rejects.toThrow(/member invariants violated: n\d's raft loop stopped/);
  });
});
