// What /metrics reads of a running member at each scrape, gathered from its parts.
import type { RaftDriver } from './raft-driver.js';
import type { LeaderTracker } from './leader-tracker.js';
import type { MetricSource } from './metrics.js';
import type { Proposer } from './proposer.js';
import type { PeerNetwork } from './seams.js';
import type { StateMachine } from './state-machine.js';
import { formatId } from './ids.js';

export interface MemberParts {
  selfId: string;
  leader: LeaderTracker;
  driver: RaftDriver;
  proposer: Proposer;
  sm: StateMachine;
  peers: PeerNetwork;
}

export function metricSource(m: MemberParts): MetricSource {
  return {
    hasLeader: () => m.leader.leader !== '',
    isLeader: () => m.leader.isLeader,
    // etcd sets these from raft's commit index and its applied index, not from its own proposals.
    committedIndex: () => m.driver.node.hardState().commit,
    appliedIndex: () => m.driver.applied,
    pendingProposals: () => m.proposer.pending,
    watchers: () => m.sm.store.watcherCount,
    peerBytes: () =>
      m.sm.membership
        .list()
        .filter((p) => p.id !== m.selfId)
        .flatMap((p) => {
          const stats = m.peers.peerStats(p.id);
          return stats ? [{ peer: formatId(p.id), sent: stats.bytesSent, received: stats.bytesReceived }] : [];
        }),
  };
}
