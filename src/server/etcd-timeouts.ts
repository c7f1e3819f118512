// etcd's answers to a request that could not be answered in time: a 500 with errorCode 300
// (raft internal error) and a cause naming what most likely happened.
import { EtcdError, ErrorCode } from '../store/types.js';

export const TIMED_OUT = 'etcdserver: request timed out';
/** A new leader was elected after the request was made: a proposal forwarded to the old one died with it. */
export const TIMED_OUT_LEADER_FAILED = 'etcdserver: request timed out, possibly due to previous leader failure';
/** The member cannot reach a quorum (LeaderTracker.cutOff). */
export const TIMED_OUT_CONNECTION_LOST = 'etcdserver: request timed out, possibly due to connection lost';

export function timeoutError(cause = TIMED_OUT): EtcdError {
  return new EtcdError(ErrorCode.RaftInternal, cause);
}
