// What a leader does with each message: accept proposals and reads, track followers' progress
// from their responses, step down without a quorum, hand leadership over on request.
import { decodeConfChange } from './conf-change-codec.js';
import { ProgressState } from './progress.js';
import type { Progress } from './progress.js';
import { VoteResult, voteResult } from './quorum.js';
import type { Raft } from './raft.js';
import { answerRead, appendEntries, bcastHeartbeat, maybeCommit, sendAppend, sendHeartbeat } from './replication.js';
import { EntryType, MessageType, NONE } from './types.js';
import type { Message } from './types.js';

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.Beat:
      bcastHeartbeat(r, r.reads.lastPendingContext());
      return;
    case MessageType.CheckQuorum:
      checkQuorum(r);
      return;
    case MessageType.Prop:
      acceptProposal(r, m);
      return;
    case MessageType.ReadIndex:
      acceptRead(r, m);
      return;
  }
  // Everything else concerns one follower (for TransferLeader: the transferee).
  const pr = r.tracker.progress.get(m.from);
  if (!pr) return;
  switch (m.type) {
    case MessageType.AppResp:
      onAppendResponse(r, m, pr);
      return;
    case MessageType.HeartbeatResp:
      onHeartbeatResponse(r, m, pr);
      return;
    case MessageType.SnapStatus:
      pr.snapshotReported(!m.reject);
      return;
    case MessageType.Unreachable:
      pr.unreachable();
      return;
    case MessageType.PeerUp:
      // A member that just (re)started knows no leader until it hears one: tell it now rather
      // than at the next heartbeat.
      sendHeartbeat(r, m.from, pr, undefined);
      return;
    case MessageType.TransferLeader:
      transferLeadership(r, m.from, pr);
      return;
  }
}

function checkQuorum(r: Raft): void {
  if (!r.tracker.quorumActive()) {
    r.logger?.warn('stepping down: no quorum heard from within an election timeout', { id: r.id, term: r.term });
    r.becomeFollower(r.term, NONE);
    return;
  }
  r.tracker.markInactiveExcept(r.id);
}

function acceptProposal(r: Raft, m: Message): void {
  if (m.entries.length === 0) throw new Error('raft: a proposal must carry entries');
  if (!r.tracker.progress.has(r.id)) return r.refuse(m, 'this member is not in the configuration');
  if (r.leadTransferee !== NONE) return r.refuse(m, `leadership transfer to ${r.leadTransferee} is in progress`);
  const confAt = m.entries.findIndex((e) => e.type === EntryType.ConfChange);
  if (confAt >= 0) {
    if (m.entries.findLastIndex((e) => e.type === EntryType.ConfChange) !== confAt) {
      return r.refuse(m, 'only one configuration change may be proposed at a time');
    }
    if (r.pendingConfIndex > r.log.applied) {
      return r.refuse(m, `a configuration change (at index ${r.pendingConfIndex}) is already pending`);
    }
    const problem = r.tracker.confChangeProblem(decodeConfChange(m.entries[confAt]!.data));
    if (problem !== undefined) return r.refuse(m, problem);
  }
  if (!r.uncommitted.tryGrow(m.entries)) {
    return r.refuse(m, `${r.uncommitted.size} bytes of entries are already waiting to be committed`);
  }
  if (confAt >= 0) r.pendingConfIndex = r.log.lastIndex() + confAt + 1;
  appendEntries(r, m.entries);
  if (r.appendsDue === 'none') r.appendsDue = 'entries';
}

function acceptRead(r: Raft, m: Message): void {
  // Until an entry of this term commits, the leader's commit index may lag what earlier
  // leaders committed (thesis §6.4), so it cannot vouch for a read yet.
  if (!r.committedEntryInCurrentTerm()) {
    return r.refuse(m, 'the leader has not committed an entry in its term yet');
  }
  if (r.tracker.isSingleton()) {
    answerRead(r, m, r.log.committed);
    return;
  }
  if (r.reads.full()) return r.refuse(m, 'too many reads are waiting for a heartbeat round');
  r.reads.add(r.log.committed, m, r.id);
  // The round itself goes out with the next Ready, so that every read queued until then shares it.
  r.readRoundDue = true;
}

function onAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    // The follower said where its log may agree with ours (rejectHint) and its term there
    // (logTerm): skip back past every entry of ours whose term is above that at once.
    const matchHint = m.logTerm > 0 ? r.log.findConflictByTerm(m.rejectHint, m.logTerm).index : m.rejectHint;
    if (pr.appendRejected(m.index, matchHint)) sendAppend(r, m.from);
    return;
  }
  const wasPaused = pr.isPaused();
  if (!pr.appendAcked(m.index, r.log.firstIndex())) return;
  if (maybeCommit(r)) r.appendsDue = 'commit';
  else if (wasPaused) sendAppend(r, m.from);
  // Pipelining: keep sending while the window has room and there is something to send.
  while (sendAppend(r, m.from, false));
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) {
    r.logger?.info('transferee caught up, sending TimeoutNow', { id: r.id, to: m.from });
    r.sendTimeoutNow(m.from);
  }
}

function onHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.heartbeatAcked();
  // A lagging follower gets its next App; a caught-up one still in probe gets an empty App
  // so that its answer moves it back to replicate.
  if (pr.match < r.log.lastIndex() || pr.state === ProgressState.Probe) sendAppend(r, m.from);
  if (m.context === undefined || m.context.length === 0) return;
  const acks = r.reads.recvAck(m.from, m.context);
  if (acks === undefined) return;
  if (voteResult(r.tracker.voterIds(), (id) => acks.has(id) || undefined) !== VoteResult.Won) return;
  for (const read of r.reads.advance(m.context)) answerRead(r, read.request, read.index);
}

function transferLeadership(r: Raft, to: string, pr: Progress): void {
  if (pr.isLearner) {
    r.logger?.info('ignored leadership transfer to a learner', { id: r.id, to });
    return;
  }
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === to) return;
    r.abortLeaderTransfer();
  }
  if (to === r.id) return;
  r.logger?.info('transferring leadership', { id: r.id, to, term: r.term });
  // The transfer must finish within one election timeout, counted from now.
  r.electionElapsed = 0;
  r.leadTransferee = to;
  if (pr.match === r.log.lastIndex()) r.sendTimeoutNow(to);
  else sendAppend(r, to);
}
