// A member's raft state as etcd serves it in /debug/vars ("raft.status", raft/status.go's
// MarshalJSON): ids in hex without leading zeros, Go's state names, progress only on a leader.
import type { RaftStatus } from '../../raft/index.js';
import { formatId } from './ids.js';

const RAFT_STATES = { follower: 'StateFollower', 'pre-candidate': 'StatePreCandidate', candidate: 'StateCandidate', leader: 'StateLeader' } as const;
const PROGRESS_STATES = { probe: 'StateProbe', replicate: 'StateReplicate', snapshot: 'StateSnapshot' } as const;

export function raftStatusJSON(s: RaftStatus): object {
  const progress = Object.fromEntries(
    Object.entries(s.progress ?? {}).map(([id, p]) => [formatId(id), { match: p.match, next: p.next, state: PROGRESS_STATES[p.state] }]),
  );
  return {
    id: formatId(s.id),
    term: s.hardState.term,
    vote: formatId(s.hardState.vote || '0'),
    commit: s.commit,
    lead: formatId(s.softState.lead || '0'),
    raftState: RAFT_STATES[s.softState.state],
    applied: s.applied,
    progress,
    leadtransferee: formatId(s.leadTransferee || '0'),
  };
}
