// What a candidate or pre-candidate does with each message: count votes, and yield to a
// leader of its term.
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from './step-follower.js';
import { VoteResult } from './quorum.js';
import type { Raft } from './raft.js';
import { MessageType, NONE, StateType } from './types.js';
import type { Message } from './types.js';

export function stepCandidate(r: Raft, m: Message): void {
  const myVoteResponse = r.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
  switch (m.type) {
    case MessageType.Prop:
    case MessageType.ReadIndex:
      return r.refuse(m, 'no leader (an election is in progress)');
    case MessageType.App:
      r.becomeFollower(m.term, m.from); // a leader was elected in our term
      handleAppendEntries(r, m);
      return;
    case MessageType.Heartbeat:
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return;
    case MessageType.Snap:
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return;
    case myVoteResponse: {
      const tally = r.poll(m.from, !m.reject);
      r.logger?.info('vote tally', { id: r.id, term: r.term, granted: tally.granted, rejected: tally.rejected });
      if (tally.result === VoteResult.Won) r.wonElection();
      else if (tally.result === VoteResult.Lost) r.becomeFollower(r.term, NONE);
      return;
    }
  }
}
