// What a snapshot's data holds: the v2 store, the member list, the v2 auth state, a migration
// from etcd in progress and the record of applied requests. Shared by the state machine (its own snapshots) and by backup and
// restore, which read and rewrite it.
import { Packr } from 'msgpackr';
import type { AuthData } from '../auth/auth-state.js';
import type { AppliedRequestsData } from './applied-requests.js';
import type { MembershipData } from './membership.js';
import type { MigrationData } from './migration.js';

export interface SnapshotData {
  store: Uint8Array;
  members: MembershipData;
  /** Absent in snapshots taken before v2 auth existed: no users, no roles, auth off. */
  auth?: AuthData;
  /** Absent when no migration was running (and in snapshots from before migrations). */
  migration?: MigrationData;
  /** Absent in snapshots from before request ids had runs (nothing recorded then). */
  requests?: AppliedRequestsData;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
/** msgpackr's own scratch buffer: a Buffer (what it allocates under Node; callers use Buffer methods) of its starting size. */
const SCRATCH_BYTES = 8192;

/**
 * msgpackr packs into one scratch buffer shared by every Packr, grows it to fit (a 12 MiB snapshot
 * grew it to 25–49 MiB) and never shrinks it: each later refill allocates the same size again, and
 * raft keeps the snapshot, a view into it. The snapshot gets bytes of its own and msgpackr a fresh
 * small scratch buffer, so the large one is freed.
 */
export function encodeSnapshotData(data: SnapshotData): Uint8Array {
  const bytes = Uint8Array.prototype.slice.call(packr.pack(data));
  packr.useBuffer(Buffer.allocUnsafeSlow(SCRATCH_BYTES));
  return bytes;
}

export function decodeSnapshotData(bytes: Uint8Array): SnapshotData {
  return packr.unpack(bytes) as SnapshotData;
}
