// The shapes that cross the store's boundary: the replicated v2 request, events, errors.
// JSON field order here is etcd v2's wire order; api/ serializes these objects as they are.

/**
 * A node as etcd v2 shows it (Go's NodeExtern). Optional fields are absent, never undefined-valued, when not set.
 * `key`, `modifiedIndex` and `createdIndex` are absent only on the root directory, which etcd shows as
 * `{"dir":true,"nodes":[...]}` (its key and its zero indexes are omitted).
 */
export interface NodeJSON {
  key?: string;
  dir?: true;
  value?: string;
  /** RFC 3339 with fractional seconds, UTC ("2026-11-22T05:10:31.123Z"). */
  expiration?: string;
  /** Whole seconds left, rounded up, computed with the `now` of the operation that produced this view. */
  ttl?: number;
  nodes?: NodeJSON[];
  modifiedIndex?: number;
  createdIndex?: number;
}

export type Action =
  | 'get'
  | 'set'
  | 'create'
  | 'update'
  | 'delete'
  | 'compareAndSwap'
  | 'compareAndDelete'
  | 'expire';

export interface StoreEvent {
  action: Action;
  node: NodeJSON;
  prevNode?: NodeJSON;
  /** The store index after this event (X-Etcd-Index); not part of the JSON body. */
  etcdIndex: number;
  /** True for a refresh: watchers are not woken and watches skip it (it still takes its slot in the history, as in etcd). Not part of the JSON body. */
  refresh?: boolean;
  /** A write etcd keeps out of the client key space (auth under /2): it takes its index and its slot in the history, and no watch ever sees it. Not part of the JSON body. */
  internal?: boolean;
}

/**
 * A v2 request after the api has parsed and validated it. Writes (PUT, POST, DELETE, SYNC)
 * are replicated through Raft as they are, so every member applies the same thing.
 * `time` is the proposing member's clock in ms since the epoch: the only clock the store sees.
 */
export interface V2Request {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'SYNC';
  path: string;
  time: number;
  val?: string;
  dir?: boolean;
  prevValue?: string;
  /** 0 or absent: not given. */
  prevIndex?: number;
  prevExist?: boolean;
  /** Seconds to live; absent means permanent. */
  ttl?: number;
  refresh?: boolean;
  recursive?: boolean;
  sorted?: boolean;
  quorum?: boolean;
  wait?: boolean;
  waitIndex?: number;
  stream?: boolean;
}

/** etcd v2 error codes (etcd's error package) with their messages. */
export const ErrorCode = {
  KeyNotFound: 100,
  TestFailed: 101,
  NotFile: 102,
  NotDir: 104,
  NodeExist: 105,
  RootROnly: 107,
  DirNotEmpty: 108,
  Unauthorized: 110,
  PrevValueRequired: 201,
  TTLNaN: 202,
  IndexNaN: 203,
  InvalidField: 209,
  InvalidForm: 210,
  RefreshValue: 211,
  RefreshTTLRequired: 212,
  RaftInternal: 300,
  LeaderElect: 301,
  WatcherCleared: 400,
  EventIndexCleared: 401,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorMessages: Record<ErrorCode, string> = {
  100: 'Key not found',
  101: 'Compare failed',
  102: 'Not a file',
  104: 'Not a directory',
  105: 'Key already exists',
  107: 'Root is read only',
  108: 'Directory not empty',
  110: 'The request requires user authentication',
  201: 'PrevValue is Required in POST form',
  202: 'The given TTL in POST form is not a number',
  203: 'The given index in POST form is not a number',
  209: 'Invalid field',
  210: 'Invalid POST form',
  211: 'Value provided on refresh',
  212: 'A TTL must be provided on refresh',
  300: 'Raft Internal Error',
  301: 'During Leader Election',
  400: 'watcher is cleared due to etcd recovery',
  401: 'The event in requested index is outdated and cleared',
};

/** An etcd v2 error: JSON body {errorCode, message, cause, index}. */
export class EtcdError extends Error {
  readonly errorCode: ErrorCode;
  override readonly cause: string;
  readonly index: number;
  constructor(errorCode: ErrorCode, cause = '', index = 0) {
    // An answer to a request, not a fault: its stack would never be read, and capturing one
    // costs V8 ~5 µs, paid by every member for each failed compare it applies.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(errorMessages[errorCode]);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'EtcdError';
    this.errorCode = errorCode;
    this.cause = cause;
    this.index = index;
  }

  /** etcd's mapping of error code to HTTP status. */
  get status(): number {
    switch (this.errorCode) {
      case ErrorCode.KeyNotFound:
        return 404;
      case ErrorCode.TestFailed:
      case ErrorCode.NodeExist:
        return 412;
      case ErrorCode.NotFile:
      case ErrorCode.DirNotEmpty:
        return 403;
      case ErrorCode.Unauthorized:
        return 401;
      case ErrorCode.RaftInternal:
      case ErrorCode.LeaderElect:
        return 500;
      default:
        return 400;
    }
  }

  toJSON(): { errorCode: number; message: string; cause?: string; index: number } {
    return this.cause === ''
      ? { errorCode: this.errorCode, message: this.message, index: this.index }
      : { errorCode: this.errorCode, message: this.message, cause: this.cause, index: this.index };
  }
}
