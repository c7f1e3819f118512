// The one interface api/ speaks to. api never touches raft or the store tree directly.
import type { AuthService } from '../auth/auth-service.js';
import type { StoreEvent, V2Request } from '../store/types.js';
import type { MigrateOp } from './migration.js';

export type { MigrateOp } from './migration.js';

export interface MemberInfo {
  /** 16 lowercase hex digits, as etcd prints member ids. */
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner?: boolean;
}

/** A live watch: events arrive through the callback given to watch(); close() frees it. */
export interface WatchHandle {
  /** Store index when the watch started (the response's X-Etcd-Index). */
  readonly startIndex: number;
  close(): void;
}

export interface RaftIndexes {
  /** Store index (X-Etcd-Index). */
  etcdIndex: number;
  /** Raft commit index (X-Raft-Index). */
  raftIndex: number;
  /** Current Raft term (X-Raft-Term). */
  raftTerm: number;
}

export interface MemberService {
  readonly clusterId: string;
  readonly memberId: string;
  readonly name: string;
  /** v2 auth: users, roles, the enabled flag, and who may do what. */
  readonly auth: AuthService;

  /**
   * Runs a v2 request. Writes are replicated and resolve with the event once this member has
   * applied them; `quorum` GETs go through ReadIndex; other GETs read the local store.
   * Rejects with EtcdError for store errors and for timeouts/no leader (code 300 with cause).
   */
  handle(req: V2Request): Promise<StoreEvent>;

  /**
   * Starts a watch (req.wait is true). `onEvent` is called with each matching event; for a
   * non-stream watch, after the first. Throws EtcdError (401) synchronously when waitIndex left the history.
   * `onClosed` is called if the member ends the watch itself: a snapshot install jumped past
   * events the watch still needed and the history no longer holds them. The api then ends the
   * response with no body, as etcd ends a watch it drops; clients ask again with their index
   * and hear etcd's 401 (EventIndexCleared), so they re-read.
   */
  watch(req: V2Request, onEvent: (ev: StoreEvent) => void, onClosed: () => void): WatchHandle;

  indexes(): RaftIndexes;
  members(): MemberInfo[];
  leaderId(): string | undefined;
  /** Bodies of /v2/stats/self, /v2/stats/leader (undefined when not leader), /v2/stats/store. */
  selfStats(): object;
  leaderStats(): object | undefined;
  storeStats(): object;
  /** Health as etcd reports it: a leader is known and a quorum read completes within a second. */
  healthy(): Promise<boolean>;
  /** Prometheus text exposition. */
  metricsText(): Promise<string>;
  /** Where the API reports each /v2/keys request (etcd's etcd_http_* metrics). */
  readonly requestMetrics: RequestMetrics;
  /** /debug/vars's "raft.status": this member's raft state as etcd's expvar prints it. */
  raftStatus(): object;

  /**
   * Membership changes (POST, PUT, DELETE /v2/members). Ids are raftkv's 16-digit form, peer URLs
   * are already checked and sorted. They reject with MembershipError for the refusals etcd
   * names; any other rejection answers 500. Absent: the api answers 500 as for a failed change.
   */
  addMember?(peerURLs: string[]): Promise<MemberInfo>;
  updateMember?(id: string, peerURLs: string[]): Promise<void>;
  removeMember?(id: string): Promise<void>;

  /**
   * GET /raftkv/v1/snapshot: the state machine at a linearizable read point, as the chunks of a
   * backup file (src/storage/backup-file.ts). Rejects as handle() does when no read completes.
   */
  onlineSnapshot?(): Promise<Buffer[]>;

  /** A step of taking over an etcd's key space (raftkv migrate), answered with the store's index. Absent: 404. */
  migrate?(op: MigrateOp): Promise<number>;
}

/** What the API reports of each /v2/keys request; watches are received, never succeeded or failed (as etcd). */
export interface RequestMetrics {
  received(method: string): void;
  succeeded(method: string, seconds: number): void;
  failed(method: string, code: number): void;
}

/** Why etcd refuses a membership change; the api turns it into etcd's status and message. */
export type MembershipRefusal = 'id-exists' | 'peer-url-exists' | 'not-found' | 'removed';

export class MembershipError extends Error {
  constructor(readonly refusal: MembershipRefusal) {
    super(`membership change refused: ${refusal}`);
    this.name = 'MembershipError';
  }
}
