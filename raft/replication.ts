// How a leader sends: appending to its own log, committing by majority, Apps (pipelined, or
// a snapshot when the entries are compacted away), heartbeats and the answers to reads.
import { invariant } from './invariant.js';
import type { Progress } from './progress.js';
import type { Raft } from './raft.js';
import { SnapshotTemporarilyUnavailableError } from './storage.js';
import { MessageType, StateType } from './types.js';
import type { Entry, Message, NodeId, Snapshot } from './types.js';

/** Appends proposed entries at the end of the leader's log, in its term. */
export function appendEntries(r: Raft, entries: Entry[]): void {
  const last = r.log.lastIndex();
  const stamped = entries.map((e, i) => ({ ...e, term: r.term, index: last + 1 + i }));
  r.log.append(stamped);
  // The leader writes its log in parallel with sending (Raft thesis §10.2.1) but counts
  // itself toward a majority only once the write is durable: see Raft.persistedTo.
}

/** Advances commit to what a majority of voters has, if that entry is of the current term. */
export function maybeCommit(r: Raft): boolean {
  return r.log.maybeCommit(r.tracker.committed(), r.term);
}

export function bcastAppend(r: Raft): void {
  for (const id of r.tracker.progress.keys()) {
    if (id !== r.id) sendAppend(r, id);
  }
}

/**
 * Sends `to` the entries it lacks (or a snapshot if they are compacted away). An empty App is
 * sent only if `sendIfEmpty` (it still carries the commit index). Returns whether anything went out.
 */
export function sendAppend(r: Raft, to: NodeId, sendIfEmpty = true): boolean {
  const pr = r.tracker.progress.get(to);
  if (!pr || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.log.term(prevIndex);
  const compacted = prevTerm === undefined || pr.next < r.log.firstIndex();
  if (compacted) return sendSnapshot(r, to);
  const entries = r.log.entriesFrom(pr.next, r.maxMsgSize);
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: MessageType.App, to, index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  pr.sentAppend(entries.length, prevIndex + entries.length);
  return true;
}

function sendSnapshot(r: Raft, to: NodeId): boolean {
  const pr = r.tracker.progress.get(to)!;
  // A follower not heard from lately may be gone: do not ship a whole snapshot into the void.
  if (!pr.recentActive) return false;
  let snapshot: Snapshot;
  try {
    snapshot = r.log.snapshot();
  } catch (err) {
    if (err instanceof SnapshotTemporarilyUnavailableError) return false;
    throw err;
  }
  invariant(snapshot.metadata.index > 0, 'the log is compacted but there is no snapshot to send');
  r.logger?.info('sending snapshot', { id: r.id, to, index: snapshot.metadata.index });
  r.send({ type: MessageType.Snap, to, snapshot });
  pr.snapshotSent(snapshot.metadata.index);
  return true;
}

/** Heartbeats carry min(match, commit): a follower must not commit entries it may not have. */
export function sendHeartbeat(r: Raft, to: NodeId, pr: Progress, context: Uint8Array | undefined): void {
  r.send({ type: MessageType.Heartbeat, to, commit: Math.min(pr.match, r.log.committed), context });
}

/** A heartbeat to every follower, with the newest pending read's context when there is one. */
export function bcastHeartbeat(r: Raft, context: Uint8Array | undefined): void {
  for (const [id, pr] of r.tracker.progress) if (id !== r.id) sendHeartbeat(r, id, pr, context);
  // A round carrying the newest read's context confirms every read queued before it.
  if (context !== undefined) r.readRoundDue = false;
}

/** Sends the Apps that proposals and commits since the last Ready left due (Raft.appendsDue). */
export function sendDueAppends(r: Raft): void {
  const due = r.appendsDue;
  if (due === 'none') return;
  r.appendsDue = 'none';
  if (r.state !== StateType.Leader) return;
  for (const id of r.tracker.progress.keys()) if (id !== r.id) sendAppend(r, id, due === 'commit');
}

/** Starts the heartbeat round that confirms every read queued since the last one. */
export function sendDueReadRound(r: Raft): void {
  if (!r.readRoundDue) return;
  r.readRoundDue = false;
  if (r.state === StateType.Leader) bcastHeartbeat(r, r.reads.lastPendingContext());
}

/** Answers a confirmed read: locally as a ReadState, or to the follower that forwarded it. */
export function answerRead(r: Raft, request: Message, index: number): void {
  const requestCtx = request.context ?? new Uint8Array();
  if (request.from === r.id) r.readStates.push({ index, requestCtx });
  else r.send({ type: MessageType.ReadIndexResp, to: request.from, index, context: requestCtx });
}
