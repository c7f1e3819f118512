// Building messages and classifying their types.
import { MessageType, NONE } from './types.js';
import type { Message } from './types.js';

/** A message with only the fields that matter to it; the rest take their zero values. */
export type MessageInit = Partial<Message> & Pick<Message, 'type'>;

export function message(init: MessageInit): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...init,
  };
}

const LOCAL_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.Hup,
  MessageType.Beat,
  MessageType.Unreachable,
  MessageType.SnapStatus,
  MessageType.CheckQuorum,
  MessageType.PeerDown,
  MessageType.PeerUp,
]);

const RESPONSE_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.AppResp,
  MessageType.VoteResp,
  MessageType.HeartbeatResp,
  MessageType.PreVoteResp,
]);

/** Messages a node generates for itself; they must never arrive from the network. */
export function isLocalMessage(type: MessageType): boolean {
  return LOCAL_TYPES.has(type);
}

/** Answers to something the receiver sent; meaningless from a peer the receiver does not track. */
export function isResponseMessage(type: MessageType): boolean {
  return RESPONSE_TYPES.has(type);
}

const VOTE_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.Vote,
  MessageType.VoteResp,
  MessageType.PreVote,
  MessageType.PreVoteResp,
]);

/** Election messages: they carry the term they are about, which may differ from the sender's. */
export function isVoteMessage(type: MessageType): boolean {
  return VOTE_TYPES.has(type);
}

export function voteResponseType(type: MessageType): MessageType {
  switch (type) {
    case MessageType.Vote:
      return MessageType.VoteResp;
    case MessageType.PreVote:
      return MessageType.PreVoteResp;
    default:
      throw new Error(`raft: message type ${type} is not a vote request`);
  }
}

/** Messages only a leader sends: receiving one at a new term names the sender as leader. */
export function isLeaderMessage(type: MessageType): boolean {
  return type === MessageType.App || type === MessageType.Heartbeat || type === MessageType.Snap;
}
