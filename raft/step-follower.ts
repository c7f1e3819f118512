// What a follower does with each message: accept the leader's log, commit index and snapshots,
// forward its own proposals and reads to the leader, campaign at once on TimeoutNow, and soon
// when the transport reports the leader down.
import { CampaignType } from './campaign.js';
import type { Raft } from './raft.js';
import { MessageType, NONE } from './types.js';
import type { Message } from './types.js';

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.Prop:
    case MessageType.ReadIndex:
      // Only our own requests are forwarded; a peer's that reached us by mistake is dropped.
      if (m.from !== r.id) return;
      if (r.lead === NONE) return r.refuse(m, 'no leader');
      r.send({ ...m, to: r.lead });
      return;
    case MessageType.App:
      heardFromLeader(r, m);
      handleAppendEntries(r, m);
      return;
    case MessageType.Heartbeat:
      heardFromLeader(r, m);
      handleHeartbeat(r, m);
      return;
    case MessageType.Snap:
      heardFromLeader(r, m);
      handleSnapshot(r, m);
      return;
    case MessageType.TransferLeader:
      if (r.lead === NONE) {
        r.logger?.info('dropped a leadership transfer request: no leader', { id: r.id });
        return;
      }
      r.send({ ...m, to: r.lead });
      return;
    case MessageType.TimeoutNow:
      // The leader asked us to take over: skip pre-vote, our log is known to be up to date.
      // A removed leader hands over right after the removal commits, which we may not have
      // applied yet: campaign as soon as we have.
      r.logger?.info('received TimeoutNow, campaigning', { id: r.id, term: r.term });
      if (r.hasUnappliedConfChange()) r.transferCampaignDue = true;
      else r.hup(CampaignType.Transfer);
      return;
    case MessageType.PeerDown:
      if (m.from === r.lead) r.leaderDown();
      return;
    case MessageType.ReadIndexResp:
      r.readStates.push({ index: m.index, requestCtx: m.context ?? new Uint8Array() });
      return;
  }
}

function heardFromLeader(r: Raft, m: Message): void {
  r.electionElapsed = 0;
  r.lead = m.from;
}

/** The receiver's side of AppendEntries (figure 2). The response waits for the entries to be persisted (see Ready). */
export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Everything up to our commit index is settled: tell the leader where we are.
    r.send({ type: MessageType.AppResp, to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: MessageType.AppResp, to: m.from, index: lastNew });
    return;
  }
  // Mismatch at m.index: hint the last index where our term is at most the leader's term
  // there, so the leader can skip the whole conflicting term in one step.
  const hint = r.log.findConflictByTerm(m.index, m.logTerm);
  r.send({ type: MessageType.AppResp, to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(m.commit);
  r.send({ type: MessageType.HeartbeatResp, to: m.from, context: m.context });
}

export function handleSnapshot(r: Raft, m: Message): void {
  if (m.snapshot === undefined) throw new Error('raft: a Snap message without a snapshot');
  const installed = r.restore(m.snapshot);
  r.send({ type: MessageType.AppResp, to: m.from, index: installed ? r.log.lastIndex() : r.log.committed });
}
