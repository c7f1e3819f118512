// Liveness: once the network heals (no cuts, no loss) and every crashed member is back up, a
// leader emerges and a fresh write is applied by every member of the configuration within a
// fixed number of ticks.
import { ProposalDroppedError } from '../../raft/types.js';
import { PropertyViolation } from './property-violation.js';
import type { SimCluster } from './sim-cluster.js';
import type { SimMember } from './sim-member.js';

const PROBE_KEY = '/liveness-probe';

/** A probe write: the member that proposed it and its seq there. */
interface Probe {
  via: SimMember;
  seq: number;
}

/**
 * Heals everything, then returns how many ticks it took until a new write was applied everywhere,
 * or undefined when the run was stranded by a removal (see strandedByRemoval).
 */
export async function healAndAwaitProgress(cluster: SimCluster, boundTicks: number, reproposeEvery: number): Promise<number | undefined> {
  const net = cluster.network;
  net.heal();
  net.faults = { ...net.faults, dropRate: 0 };
  for (const m of cluster.running()) m.cancelPendingCrash();
  for (const m of cluster.crashed()) m.start();
  cluster.note('healed: no cuts, no loss, every member up');
  const value = `after-${cluster.ticks}`;
  const probes: Probe[] = [];
  let proposedAt = Number.NEGATIVE_INFINITY;
  for (let t = 0; t <= boundTicks; t++) {
    const leader = cluster.leader();
    if (leader && probes.some((p) => appliedEverywhere(cluster, leader, p))) return t;
    if (leader && t - proposedAt >= reproposeEvery) {
      proposedAt = t;
      try {
        probes.push({ via: leader, seq: leader.proposeWrite({ method: 'PUT', path: PROBE_KEY, val: value }) });
        cluster.note(`probe proposed via ${leader.id}`);
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
      }
    }
    await cluster.runTicks(1);
  }
  const stranded = strandedByRemoval(cluster);
  if (stranded) {
    cluster.note(`stranded by a removal: ${stranded}`);
    cluster.tally.add('runs stranded by a removal');
    return undefined;
  }
  throw new PropertyViolation('liveness', `no write was applied by every member within ${boundTicks} ticks of healing; ${describeMembers(cluster)}`);
}

/**
 * A member that applied its own removal shuts down an election timeout later, as an etcd member
 * does a second later. If a member it leaves behind never learned that the removal committed (the
 * commit, its leadership hand-over and the votes that would follow were all lost in the faults),
 * that member still counts the removed one as a voter; when that configuration has no majority of
 * members still running, nothing can commit there again. This is Raft's, and etcd's, limit: it
 * takes removing one of two voters over a lossy network (a conf change offered again by the
 * Proposer can apply after another removal, going below the schedule's MIN_VOTERS). Such a run
 * is counted, not failed; it is named here only when exactly that holds.
 */
function strandedByRemoval(cluster: SimCluster): string | undefined {
  for (const m of cluster.members.values()) {
    if (m.liveness !== 'up') continue;
    const { voters } = m.node.status().confState;
    const gone = voters.filter((id) => cluster.member(id)?.liveness === 'retired');
    if (gone.length > 0 && 2 * (voters.length - gone.length) <= voters.length) {
      return `${m.id} counts voters ${voters.join(',')}, of which ${gone.join(',')} retired`;
    }
  }
  return undefined;
}

/**
 * The probe is applied everywhere once its proposer has applied it at some index and every member
 * of the configuration has applied that far (state machine safety makes their stores agree there).
 */
function appliedEverywhere(cluster: SimCluster, leader: SimMember, probe: Probe): boolean {
  const at = probe.via.appliedAt(probe.seq);
  if (at === undefined) return false;
  const { voters, learners } = leader.node.status().confState;
  return [...voters, ...learners].every((id) => (cluster.member(id)?.appliedIndex ?? 0) >= at);
}

function describeMembers(cluster: SimCluster): string {
  return [...cluster.members.values()]
    .map((m) => {
      if (m.liveness !== 'up') return `${m.id} ${m.liveness}`;
      const st = m.node.status();
      return `${m.id} ${st.softState.state} term ${st.hardState.term} commit ${st.hardState.commit} applied ${m.appliedIndex} voters ${st.confState.voters.join(',')} learners ${st.confState.learners.join(',')}`;
    })
    .join('; ');
}
