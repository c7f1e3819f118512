// The vocabulary of the consensus core: what it persists, what it sends, what it hands back.
// Everything here is plain data so it can be msgpackr-encoded by storage and transport as is.

/** A member's id in the Raft group. The server uses etcd's 16-hex-digit member id. */
export type NodeId = string;
/** "No node": no vote cast, no leader known. */
export const NONE: NodeId = '';

export const EntryType = { Normal: 0, ConfChange: 1 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Application payload (Normal) or an encoded ConfChange. Empty for the leader's no-op entry. */
  data: Uint8Array;
}

export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  /** The application state machine's serialized state at metadata.index. */
  data: Uint8Array;
}

export const ConfChangeType = {
  AddNode: 0,
  RemoveNode: 1,
  AddLearnerNode: 2,
} as const;
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType];

/**
 * One membership change. AddNode on an existing learner promotes it to voter.
 * `context` is opaque to raft (the server puts the member's name and peer URLs there).
 */
export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  context: Uint8Array;
}

export const MessageType = {
  Hup: 0, // local: start an election
  Beat: 1, // local: leader sends heartbeats
  Prop: 2, // proposal (local, or forwarded by a follower to the leader)
  App: 3,
  AppResp: 4,
  Vote: 5,
  VoteResp: 6,
  Snap: 7,
  Heartbeat: 8,
  HeartbeatResp: 9,
  Unreachable: 10, // local: transport could not reach `from`
  SnapStatus: 11, // local: transport finished (reject=false) or failed (reject=true) sending a snapshot to `from`
  CheckQuorum: 12, // local
  TransferLeader: 13,
  TimeoutNow: 14,
  ReadIndex: 15,
  ReadIndexResp: 16,
  PreVote: 17,
  PreVoteResp: 18,
  PeerDown: 19, // local: transport saw `from`'s process go away (connection closed, redial failed)
  PeerUp: 20, // local: transport (re)connected to `from`; a leader tells it at once who leads
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  /** Term of the entry at `index` (App), or of the candidate's last entry (Vote/PreVote). */
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  /** On a rejected AppResp: the follower's hint of where the logs may agree (index), with logTerm its term. */
  rejectHint: number;
  /** Opaque context: ReadIndex request ids, campaign kind for TimeoutNow-driven elections. */
  context?: Uint8Array;
}

export const StateType = {
  Follower: 'follower',
  PreCandidate: 'pre-candidate',
  Candidate: 'candidate',
  Leader: 'leader',
} as const;
export type StateType = (typeof StateType)[keyof typeof StateType];

export interface SoftState {
  lead: NodeId;
  state: StateType;
}

/** A linearizable read point: once the local applied index reaches `index`, the read `requestCtx` may be served. */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

/**
 * Everything the core asks its driver to do, in this order:
 * persist `snapshot`, `entries` and `hardState` (one synced batch when `mustSync`),
 * send `messages`, apply `committedEntries`, serve `readStates`, then call `advance()`.
 * A leader may send `messages` in parallel with persisting (Raft thesis §10.2.1).
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  mustSync: boolean;
}

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns; the real timeout is randomized in [electionTick, 2*electionTick). */
  electionTick: number;
  heartbeatTick: number;
  storage: import('./storage.js').Storage;
  /** Index of the last entry already applied by the state machine (for restarts). */
  applied?: number;
  /** Upper bound on bytes of entries in one App message. */
  maxSizePerMsg?: number;
  /** Max in-flight App messages per follower in replicate state. */
  maxInflightMsgs?: number;
  /**
   * Upper bound on the bytes of entry data a leader holds appended but uncommitted; a proposal
   * past it is refused (0 or absent: no bound). One proposal is always taken when none is waiting.
   */
  maxUncommittedEntriesSize?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  /** Seeded source of randomness in [0, 1); raft never touches Math.random. */
  random: () => number;
  /** Optional logger for rare events (elections, step-downs); must not do I/O in tests. */
  logger?: RaftLogger;
}

export interface RaftLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Thrown by propose() when the proposal cannot be accepted now. */
export class ProposalDroppedError extends Error {
  constructor(reason: string) {
    super(`raft proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}
