// Liveness: once the network heals (no cuts, no loss) and every crashed member is back up, a
// leader emerges and a fresh write is applied by every member of the configuration within a
// fixed number of ticks.
import { ProposalDroppedError } from '../../raft/types.js';
import { kvCommand } from './kv-state-machine.js';
import { PropertyViolation } from './property-violation.js';
import type { SimCluster } from './sim-cluster.js';
import type { SimMember } from './sim-member.js';

const PROBE_KEY = 'liveness-probe';

/** Heals everything, then returns how many ticks it took until a new write was applied everywhere. */
export function healAndAwaitProgress(cluster: SimCluster, boundTicks: number, reproposeEvery: number): number {
  const net = cluster.network;
  net.heal();
  net.faults = { ...net.faults, dropRate: 0 };
  for (const m of cluster.running()) m.cancelPendingCrash();
  for (const m of cluster.crashed()) m.start();
  cluster.note('healed: no cuts, no loss, every member up');
  const probe = `after-${cluster.ticks}`;
  let proposedAt = Number.NEGATIVE_INFINITY;
  for (let t = 0; t <= boundTicks; t++) {
    const leader = cluster.leader();
    if (leader && appliedEverywhere(cluster, leader, probe)) return t;
    if (leader && t - proposedAt >= reproposeEvery) {
      proposedAt = t;
      try {
        leader.act((node) => node.propose(kvCommand(PROBE_KEY, probe)));
        cluster.note(`probe proposed via ${leader.id}`);
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
      }
    }
    cluster.runTicks(1);
  }
  throw new PropertyViolation('liveness', `no write was applied by every member within ${boundTicks} ticks of healing; ${describeMembers(cluster)}`);
}

function appliedEverywhere(cluster: SimCluster, leader: SimMember, probe: string): boolean {
  if (leader.value(PROBE_KEY) !== probe) return false;
  const { voters, learners } = leader.node.status().confState;
  return [...voters, ...learners].every((id) => cluster.member(id)?.value(PROBE_KEY) === probe);
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
