// The shapes of etcd v2 auth (etcd 3.4's v2auth): users, roles and their key permissions, as
// etcd stores them in its v2 store under /2. Lists keep Go's distinction between nil (null in
// JSON) and empty ([]): etcd prints both, and compares them as different when it decides whether
// an update changed anything.

/** A list as Go holds it: null is a nil slice. */
export type GoList = string[] | null;

export interface KVPermissions {
  read: GoList;
  write: GoList;
}

/** etcd's Permissions: `{"kv":{"read":[...],"write":[...]}}`. */
export interface Permissions {
  kv: KVPermissions;
}

/** A role as stored: the grant and revoke of the request that created it are kept when given. */
export interface Role {
  role: string;
  permissions: Permissions;
  grant?: Permissions;
  revoke?: Permissions;
}

/** A user as stored; `password` is a salted hash (password.ts), never the password. */
export interface User {
  user: string;
  password: string;
  roles: GoList;
}

export const ROOT_ROLE = 'root';
export const ROOT_USER = 'root';
export const GUEST_ROLE = 'guest';

const ALL_KEYS = (): Permissions => ({ kv: { read: ['/*'], write: ['/*'] } });

/** The built-in root role: never stored, always all access. */
export const rootRole = (): Role => ({ role: ROOT_ROLE, permissions: ALL_KEYS() });

/** What enabling auth creates when no guest role exists, so anonymous access goes on working. */
export const defaultGuestRole = (): Role => ({ role: GUEST_ROLE, permissions: ALL_KEYS() });

/** A refusal with etcd's HTTP status and message (etcd's v2auth.Error). */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** etcd's authErr: every v2auth message starts with "auth: ". */
export function authError(status: number, message: string): AuthError {
  return new AuthError(status, `auth: ${message}`);
}

/** Go's sort.Strings: byte order of the UTF-8 encodings, which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  }
  return x.length - y.length;
}

/** A set's values as etcd returns them after a merge: distinct, sorted, never nil. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}

/** reflect.DeepEqual of two Go string slices: nil differs from empty. */
export function sameGoList(a: GoList, b: GoList): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function samePermissions(a: Permissions | undefined, b: Permissions | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameGoList(a.kv.read, b.kv.read) && sameGoList(a.kv.write, b.kv.write);
}

/** Permissions.IsEmpty: absent, or no read and no write pattern. */
export function isEmptyPermissions(p: Permissions | undefined): boolean {
  return p === undefined || ((p.kv.read?.length ?? 0) === 0 && (p.kv.write?.length ?? 0) === 0);
}
