// Requests across the loss of a leader and of every member, in the simulator: the production
// proposer offers a follower's forwarded proposal again to the next leader, and the replicated
// record of applied requests (in snapshots and rebuilt by log replay) lets one copy take effect.
// Every copy applied after the first is also checked to change nothing (MemberLife.applyOnce).
import { describe, expect, it } from 'vitest';
import { decodeCommand } from '../../src/server/commands.js';
import type { Entry } from '../../raft/types.js';
import { Random } from './random.js';
import { SimCluster } from './sim-cluster.js';
import type { MemberSettings } from './sim-member.js';
import type { SimMember } from './sim-member.js';
import { Trace } from './trace.js';

const settings: MemberSettings = {
  tickMs: 10,
  electionTick: 10,
  preVote: true,
  snapshotCount: 10_000,
  catchUpEntries: 2,
  historySize: 8,
  disk: { min: 0, max: 2 },
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 256,
};

async function until(cluster: SimCluster, what: string, check: () => boolean, ticks = 300): Promise<void> {
  for (let t = 0; t < ticks; t++) {
    if (check()) return;
    await cluster.runTicks(1);
  }
  throw new Error(`not within ${ticks} ticks: ${what}`);
}

async function withLeader(s: MemberSettings = settings): Promise<{ cluster: SimCluster; leader: SimMember }> {
  const cluster = new SimCluster(3, s, new Random(11), new Trace(40));
  await until(cluster, 'a leader', () => cluster.leader() !== undefined);
  return { cluster, leader: cluster.leader()! };
}

/** The entries of a member's log that hold the v2 request writing `val`. */
function entriesWriting(m: SimMember, val: string): Entry[] {
  return m.disk.entries.filter((e) => e.data.length > 0 && e.type === 0 && (() => {
    const cmd = decodeCommand(e.data);
    return cmd.kind === 'v2' && cmd.req.val === val;
  })());
}

describe('a request across the loss of its leader', () => {
  it('a follower\'s proposal, replicated by a leader that then crashes, is offered again to the new leader; the copy is refused and the key created once', async () => {
    const { cluster, leader } = await withLeader();
    const [follower, other] = [...cluster.members.values()].filter((m) => m !== leader) as [SimMember, SimMember];
    // The leader hears the follower and replicates to the other member, but the follower hears
    // nothing more from it: neither the entry nor its commit.
    cluster.network.cut(leader.id, follower.id);
    const seq = follower.proposeWrite({ method: 'POST', path: '/queue', val: 'job' });
    await until(cluster, 'the other member holds the entry', () => entriesWriting(other, 'job').length === 1);
    leader.crash();
    await until(cluster, 'the follower applied its proposal', () => follower.appliedAt(seq) !== undefined);
    cluster.network.heal();
    leader.start();
    await until(cluster, 'a copy committed and applied everywhere', () => {
      const copies = entriesWriting(other, 'job');
      return copies.length === 2 && [...cluster.members.values()].every((m) => m.appliedIndex >= copies[1]!.index);
    });
    for (const m of cluster.members.values()) expect(m.values('/queue')).toEqual(['job']);
    expect(cluster.tally.get('request copies refused')).toBe(3);
    cluster.checkLogs();
  });

  it('a follower\'s proposal lost with its crashed leader is offered to the new leader and applied once', async () => {
    const { cluster, leader } = await withLeader();
    const follower = [...cluster.members.values()].find((m) => m !== leader)!;
    for (const m of cluster.members.values()) if (m !== leader) cluster.network.cut(leader.id, m.id);
    const seq = follower.proposeWrite({ method: 'POST', path: '/queue', val: 'job' });
    await until(cluster, 'the leader holds the entry', () => entriesWriting(leader, 'job').length === 1);
    leader.crash();
    cluster.network.heal();
    await until(cluster, 'the follower applied its proposal', () => follower.appliedAt(seq) !== undefined);
    leader.start();
    await until(cluster, 'every member caught up', () => [...cluster.members.values()].every((m) => m.appliedIndex >= follower.appliedAt(seq)!));
    for (const m of cluster.members.values()) expect(m.values('/queue')).toEqual(['job']);
    cluster.checkLogs();
  });
});

describe('the record of applied requests across a crash of every member', () => {
  it.each([
    ['replaying the log', 10_000],
    ['from a snapshot and the log after it', 8],
  ])('a copy committed after every member restarted (%s) is refused', async (_how, snapshotCount) => {
    const { cluster } = await withLeader({ ...settings, snapshotCount });
    const follower = [...cluster.members.values()].find((m) => !m.isLeader)!;
    const seq = follower.proposeWrite({ method: 'POST', path: '/queue', val: 'job' });
    await until(cluster, 'the follower holds the entry', () => entriesWriting(follower, 'job').length === 1);
    const original = entriesWriting(follower, 'job')[0]!;
    for (let i = 0; i < 12; i++) follower.proposeWrite({ method: 'PUT', path: `/filler${i}`, val: 'x' });
    await until(cluster, 'everything applied everywhere', () => {
      const at = follower.appliedAt(seq);
      return at !== undefined && [...cluster.members.values()].every((m) => m.appliedIndex >= at + 12);
    });
    const fromSnapshot = [...cluster.members.values()].filter((m) => (m.disk.load().snapshot?.metadata.index ?? 0) >= original.index).length;
    expect(fromSnapshot).toBe(snapshotCount < 100 ? 3 : 0);
    for (const m of cluster.members.values()) m.crash();
    for (const m of cluster.members.values()) m.start();
    await until(cluster, 'a leader after the restart', () => cluster.leader() !== undefined);
    const leader = cluster.leader()!;
    leader.act((node) => node.propose(original.data));
    await until(cluster, 'the copy applied everywhere', () => {
      const copy = entriesWriting(leader, 'job').find((e) => e.index > original.index);
      return copy !== undefined && [...cluster.members.values()].every((m) => m.appliedIndex >= copy.index);
    });
    for (const m of cluster.members.values()) expect(m.values('/queue')).toEqual(['job']);
    expect(cluster.tally.get('request copies refused')).toBe(3);
    cluster.checkLogs();
  });
});
