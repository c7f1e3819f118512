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

/** Heals everything, then returns how many ticks it took until a new write was applied everywhere. */
export async function healAndAwaitProgress(cluster: SimCluster, boundTicks: number, reproposeEvery: number): Promise<number> {
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
  throw new PropertyViolation('liveness', `no write was applied by every member within ${boundTicks} ticks of healing; ${describeMembers(cluster)}`);
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
