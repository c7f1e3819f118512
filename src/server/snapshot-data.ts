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

export function encodeSnapshotData(data: SnapshotData): Uint8Array {
  return packr.pack(data);
}

export function decodeSnapshotData(bytes: Uint8Array): SnapshotData {
  return packr.unpack(bytes) as SnapshotData;
}
