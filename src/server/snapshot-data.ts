// What a snapshot's data holds: the v2 store, the member list, the v2 auth state, a migration
// from etcd in progress and the record of applied requests. Shared by the state machine (its own snapshots) and by backup and
// restore, which read and rewrite it.
import { Packr } from 'msgpackr';
import type { AuthData } from '../auth/auth-state.js';
import type { AppliedRequestsData } from './applied-requests.js';
import type { MembershipData } from './membership.js';
import type { MigrationData } from './migration.js';
import { joinSteps, packBin, packMap, packValue } from '../store/packed-parts.js';
import type { PackedParts, Steps } from '../store/packed-parts.js';

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

/** What encodeSnapshotData takes: the store as bytes, or as the pieces Store.saveParts returns. */
export type SnapshotInput = Omit<SnapshotData, 'store'> & { store: Uint8Array | PackedParts };

/**
 * Written once into a buffer of its exact size (packed-parts.ts): raft keeps the snapshot for as
 * long as it is the newest, and packing it whole would leave msgpackr's grown scratch buffers,
 * several times its size, to the collector.
 */
export function encodeSnapshotData(data: SnapshotInput): Uint8Array {
  const { store, ...rest } = data;
  return snapshotMap(store, packedFields(rest)).join();
}

/**
 * encodeSnapshotData in steps: the store's own steps, then the join. The other fields are packed
 * before this returns: they are small, and the objects they come from may change meanwhile.
 */
export function encodeSnapshotDataSteps(store: Steps<PackedParts>, rest: Omit<SnapshotData, 'store'>): Steps<Uint8Array> {
  return packedAfter(store, packedFields(rest));
}

function* packedAfter(store: Steps<PackedParts>, rest: [string, PackedParts][]): Steps<Uint8Array> {
  return yield* joinSteps(snapshotMap(yield* store, rest));
}

function snapshotMap(store: Uint8Array | PackedParts, rest: [string, PackedParts][]): PackedParts {
  return packMap(packr, [['store', packBin(store)], ...rest]);
}

function packedFields(rest: Omit<SnapshotData, 'store'>): [string, PackedParts][] {
  const fields: [string, PackedParts][] = [];
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) fields.push([key, packValue(packr, value)]);
  return fields;
}

export function decodeSnapshotData(bytes: Uint8Array): SnapshotData {
  return packr.unpack(bytes) as SnapshotData;
}
