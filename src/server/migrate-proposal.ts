// A member's side of `raftkv migrate`: each step goes through Raft, and the proposing member
// answers with its own apply's outcome (the store's index, or the refusal every member made).
import { EtcdError, ErrorCode } from '../store/types.js';
import type { MigrateOp } from './migration.js';
import type { Proposer } from './proposer.js';

export async function proposeMigration(proposer: Proposer, op: MigrateOp): Promise<number> {
  const outcome = await proposer.propose((id) => ({ kind: 'migrate', ...id, op }));
  if (outcome !== undefined && 'migrated' in outcome) return outcome.migrated;
  throw outcome !== undefined && 'error' in outcome ? outcome.error : new EtcdError(ErrorCode.RaftInternal, 'a migration step applied without an outcome');
}
