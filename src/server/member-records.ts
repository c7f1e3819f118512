// The writes etcd's v2 store makes under its hidden /0 as the membership changes: each takes a
// store index (and no watcher sees it), so X-Etcd-Index counts them as etcd's does. A key made
// below a missing directory creates that directory without an index of its own, as in etcd.
import type { Store } from '../store/store.js';

/** Where those writes are counted: the store, or nowhere while its index is another etcd's (migration.ts). */
export type InternalRecords = Pick<Store, 'recordInternal'>;

// No reader ever sees these keys; only their count matters (ids as raftkv keeps them).
const members = (id: string): string => `/0/members/${id}`;

/** A member joins the configuration (founders too, as etcd applies their bootstrap ConfChanges). */
export function recordMemberAdded(store: InternalRecords, id: string): void {
  store.recordInternal('create', `${members(id)}/raftAttributes`);
}

/** New peer URLs (etcdctl member update). */
export function recordPeerURLsUpdated(store: InternalRecords, id: string): void {
  store.recordInternal('update', `${members(id)}/raftAttributes`);
}

/** A member published its name and client URLs (every start). */
export function recordAttributesPublished(store: InternalRecords, id: string): void {
  store.recordInternal('set', `${members(id)}/attributes`);
}

/** The member's directory goes and its id is remembered as removed: two indexes. */
export function recordMemberRemoved(store: InternalRecords, id: string): void {
  store.recordInternal('delete', members(id));
  store.recordInternal('create', `/0/removed_members/${id}`);
}

/** The leader set the cluster version (/0/version). */
export function recordClusterVersion(store: InternalRecords): void {
  store.recordInternal('set', '/0/version');
}
