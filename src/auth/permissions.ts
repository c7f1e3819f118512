// Which keys a role reaches, and how grants and revokes change a role, as etcd's v2auth decides.
// A pattern is a key, or a prefix when it ends in `*`; a recursive request needs a prefix pattern.
// Keys are byte strings (one char per byte, as api/ reads paths): a pattern is matched as its
// UTF-8 bytes, so an invalid key compares bytewise exactly as in Go.
import { ROOT_ROLE, authError, sortedSet } from './model.js';
import type { KVPermissions, Permissions, Role } from './model.js';

/**
 * etcd indexes the last byte of each pattern it tries and panics on an empty one; Go's server
 * then drops the connection without an answer. The api does the same when this is thrown.
 */
export class EmptyPatternError extends Error {
  constructor() {
    super('empty permission pattern');
    this.name = 'EmptyPatternError';
  }
}

function asBytes(pattern: string): string {
  return /^[\x00-\x7f]*$/.test(pattern) ? pattern : Buffer.from(pattern, 'utf8').toString('latin1');
}

function matches(pattern: string, key: string, prefixOnly: boolean): boolean {
  if (pattern === '') throw new EmptyPatternError();
  const p = asBytes(pattern);
  if (p.endsWith('*')) return key.startsWith(p.slice(0, -1));
  return !prefixOnly && key === p;
}

/** Role.HasKeyAccess / HasRecursiveAccess: the first matching pattern grants. */
export function roleReaches(role: Role, key: string, write: boolean, recursive: boolean): boolean {
  if (role.role === ROOT_ROLE) return true;
  const patterns = (write ? role.permissions.kv.write : role.permissions.kv.read) ?? [];
  return patterns.some((p) => matches(p, key, recursive));
}

function grantList(current: string[] | null, added: string[] | null, what: string): string[] {
  const set = new Set(current ?? []);
  for (const p of added ?? []) {
    if (set.has(p)) throw authError(409, `Granting duplicate ${what} permission ${p}`);
    set.add(p);
  }
  return sortedSet(set);
}

function revokeList(current: string[] | null, removed: string[] | null): string[] {
  const set = new Set(current ?? []);
  for (const p of removed ?? []) set.delete(p); // etcd only logs an ungranted revoke
  return sortedSet(set);
}

/** Role.merge: grants (a duplicate is refused), then revokes; an absent grant or revoke leaves lists as they were. */
export function mergeRole(old: Role, grant: Permissions | undefined, revoke: Permissions | undefined): Role {
  let kv: KVPermissions = old.permissions.kv;
  if (grant !== undefined) kv = { read: grantList(kv.read, grant.kv.read, 'read'), write: grantList(kv.write, grant.kv.write, 'write') };
  if (revoke !== undefined) kv = { read: revokeList(kv.read, revoke.kv.read), write: revokeList(kv.write, revoke.kv.write) };
  return { role: old.role, permissions: { kv } };
}
