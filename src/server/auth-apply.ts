// Where v2 auth meets the v2 store: a change is applied to the auth state, and the store writes
// etcd would have made for it (under its hidden /2) take their indexes, so that X-Etcd-Index
// moves as etcd's does after `user add` or `auth enable`.
import type { AuthOp, AuthResult, AuthState } from '../auth/auth-state.js';
import { AuthService } from '../auth/auth-service.js';
import type { InternalRecords } from './member-records.js';
import type { Proposer } from './proposer.js';

export function applyAuthOp(auth: AuthState, store: InternalRecords, op: AuthOp): AuthResult {
  const { writes, result } = auth.apply(op);
  for (const w of writes) store.recordInternal(w.action, w.key);
  return result;
}

/** A member's auth: changes go through Raft, and the proposing member answers with its own apply's result. */
export function memberAuth(state: () => AuthState, proposer: Proposer): AuthService {
  return new AuthService(state, async (op) => {
    const outcome = await proposer.propose((id) => ({ kind: 'auth', ...id, op }));
    if (outcome !== undefined && 'auth' in outcome) return outcome.auth;
    throw new Error('an auth change applied without an auth result');
  });
}
