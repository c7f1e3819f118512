// The replicated auth state — users, roles, the enabled flag — and the changes to it, applied
// alike by every member in log order (pure: no clock, no randomness; passwords arrive hashed).
// Each change does what etcd 3.4's v2auth store does, refusal for refusal. etcd keeps this state
// as JSON values under /2 in its v2 store, so its changes take store indexes; `writes` lists the
// store writes etcd would have made (its first auth write also creates /2, /2/users, /2/roles and
// /2/enabled) for the caller to account for.
import { mergeRole } from './permissions.js';
import {
  GUEST_ROLE,
  ROOT_ROLE,
  ROOT_USER,
  authError,
  AuthError,
  compareGoStrings,
  defaultGuestRole,
  rootRole,
  sameGoList,
  samePermissions,
  sortedSet,
} from './model.js';
import type { GoList, Permissions, Role, User } from './model.js';

/** A change. `password` is the salted hash (AuthService hashes the client's before proposing), or '' for none. */
export type AuthOp =
  /** PUT of a user without grant or revoke; `orUpdate` when it names no roles (etcd's CreateOrUpdateUser). */
  | { op: 'createUser'; user: string; password: string; roles: GoList; orUpdate: boolean }
  | { op: 'updateUser'; user: string; password: string; grant: GoList; revoke: GoList }
  | { op: 'deleteUser'; user: string }
  | { op: 'createRole'; role: Role }
  | { op: 'updateRole'; role: string; grant?: Permissions; revoke?: Permissions }
  | { op: 'deleteRole'; role: string }
  | { op: 'enable' }
  | { op: 'disable' };

/** A write etcd makes to its v2 store for a change: each successful one takes a store index. */
export interface InternalWrite {
  action: 'create' | 'update' | 'delete';
  key: string;
}

export type AuthResult =
  | { kind: 'user'; user: User; created: boolean }
  | { kind: 'role'; role: Role }
  | { kind: 'done' }
  | { kind: 'refused'; error: AuthError };

export interface AuthApplied {
  writes: InternalWrite[];
  result: AuthResult;
}

/** The state in a snapshot: plain data in a fixed order, so every member writes the same bytes. */
export interface AuthData {
  enabled: boolean;
  /** Whether etcd's /2 directories and /2/enabled would exist yet. */
  dirs: boolean;
  users: User[];
  roles: Role[];
}

const PREFIX = '/2';
const userKey = (name: string): string => `${PREFIX}/users/${name}`;
const roleKey = (name: string): string => `${PREFIX}/roles/${name}`;
const ENABLED_KEY = `${PREFIX}/enabled`;

/** etcd's v2 store hides names starting with `_` from directory listings, so its lists do too. */
const listed = (name: string): boolean => !name.startsWith('_');

/** etcd's attachRootRole: the root user always has the root role when read. */
function withRootRole(u: User): User {
  if (u.user !== ROOT_USER || (u.roles ?? []).includes(ROOT_ROLE)) return u;
  return { ...u, roles: [...(u.roles ?? []), ROOT_ROLE] };
}

export class AuthState {
  private enabledFlag = false;
  private dirs = false;
  private readonly users = new Map<string, User>();
  private readonly roles = new Map<string, Role>();

  static fromData(data: AuthData): AuthState {
    const s = new AuthState();
    s.enabledFlag = data.enabled;
    s.dirs = data.dirs;
    for (const u of data.users) s.users.set(u.user, u);
    for (const r of data.roles) s.roles.set(r.role, r);
    return s;
  }

  toData(): AuthData {
    const byName = <T>(m: Map<string, T>): T[] => [...m.keys()].sort(compareGoStrings).map((k) => m.get(k)!);
    return { enabled: this.enabledFlag, dirs: this.dirs, users: byName(this.users), roles: byName(this.roles) };
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  // ---- reads (etcd's GetUser, GetRole, AllUsers, AllRoles) ----

  getUser(name: string): User | AuthError {
    const u = this.users.get(name);
    return u === undefined ? authError(404, `User ${name} does not exist.`) : withRootRole(u);
  }

  getRole(name: string): Role | AuthError {
    if (name === ROOT_ROLE) return rootRole();
    return this.roles.get(name) ?? authError(404, `Role ${name} does not exist.`);
  }

  userNames(): string[] {
    return [...this.users.keys()].filter(listed).sort(compareGoStrings);
  }

  roleNames(): string[] {
    return [ROOT_ROLE, ...[...this.roles.keys()].filter(listed)].sort(compareGoStrings);
  }

  // ---- changes ----

  apply(op: AuthOp): AuthApplied {
    const writes: InternalWrite[] = [];
    try {
      return { writes, result: this.run(op, writes) };
    } catch (err) {
      if (err instanceof AuthError) return { writes, result: { kind: 'refused', error: err } };
      throw err;
    }
  }

  private run(op: AuthOp, writes: InternalWrite[]): AuthResult {
    switch (op.op) {
      case 'createUser':
        if (op.orUpdate && this.users.has(op.user)) return this.updateUser(op.user, op.password, null, null, writes);
        return { kind: 'user', user: this.createUser(op, writes), created: op.orUpdate };
      case 'updateUser':
        if (!this.users.has(op.user)) throw authError(404, `User ${op.user} does not exist.`);
        return this.updateUser(op.user, op.password, op.grant, op.revoke, writes);
      case 'deleteUser':
        if (this.enabledFlag && op.user === ROOT_USER) throw authError(403, 'Cannot delete root user while auth is enabled.');
        this.write(writes, 'delete', userKey(op.user), this.users.has(op.user), () => authError(404, `User ${op.user} does not exist`));
        this.users.delete(op.user);
        return { kind: 'done' };
      case 'createRole':
        this.createRole(op.role, writes);
        return { kind: 'role', role: op.role };
      case 'updateRole':
        return { kind: 'role', role: this.updateRole(op.role, op.grant, op.revoke, writes) };
      case 'deleteRole':
        if (op.role === ROOT_ROLE) throw authError(403, `Cannot modify role ${op.role}: is root role.`);
        this.write(writes, 'delete', roleKey(op.role), this.roles.has(op.role), () => authError(404, `Role ${op.role} doesn't exist.`));
        this.roles.delete(op.role);
        return { kind: 'done' };
      case 'enable':
        if (this.enabledFlag) throw authError(409, 'already enabled');
        if (!this.users.has(ROOT_USER)) throw authError(409, 'No root user available, please create one');
        if (!this.roles.has(GUEST_ROLE)) this.createRole(defaultGuestRole(), writes);
        this.write(writes, 'update', ENABLED_KEY, true);
        this.enabledFlag = true;
        return { kind: 'done' };
      case 'disable':
        if (!this.enabledFlag) throw authError(409, 'already disabled');
        this.write(writes, 'update', ENABLED_KEY, true);
        this.enabledFlag = false;
        return { kind: 'done' };
    }
  }

  private createUser(op: { user: string; password: string; roles: GoList }, writes: InternalWrite[]): User {
    if (op.password === '') throw authError(400, `Cannot create user ${op.user} with an empty password`);
    const user = withRootRole({ user: op.user, password: op.password, roles: op.roles });
    this.write(writes, 'create', userKey(op.user), !this.users.has(op.user), () => authError(409, `User ${op.user} already exists.`));
    this.users.set(op.user, user);
    return user;
  }

  /** User.merge, then etcd's refusal of a change that changes nothing. */
  private updateUser(name: string, password: string, grant: GoList, revoke: GoList, writes: InternalWrite[]): AuthResult {
    const old = withRootRole(this.users.get(name)!);
    const roles = new Set(old.roles ?? []);
    for (const g of grant ?? []) {
      if (roles.has(g)) throw authError(409, `Granting duplicate role ${g} for user ${name}`);
      roles.add(g);
    }
    for (const r of revoke ?? []) {
      if (!roles.has(r)) throw authError(409, `Revoking ungranted role ${r} for user ${name}`);
      roles.delete(r);
    }
    const updated: User = { user: name, password: password === '' ? old.password : password, roles: sortedSet(roles) };
    if (updated.password === old.password && sameGoList(updated.roles, old.roles)) {
      throw authError(400, 'User not updated. Use grant/revoke/password to update the user.');
    }
    this.write(writes, 'update', userKey(name), true);
    this.users.set(name, updated);
    return { kind: 'user', user: updated, created: false };
  }

  private createRole(role: Role, writes: InternalWrite[]): void {
    if (role.role === ROOT_ROLE) throw authError(403, `Cannot modify role ${role.role}: is root role.`);
    this.write(writes, 'create', roleKey(role.role), !this.roles.has(role.role), () => authError(409, `Role ${role.role} already exists.`));
    this.roles.set(role.role, role);
  }

  private updateRole(name: string, grant: Permissions | undefined, revoke: Permissions | undefined, writes: InternalWrite[]): Role {
    if (name === ROOT_ROLE) throw authError(403, `Cannot modify role ${name}: is root role.`);
    const old = this.roles.get(name);
    if (old === undefined) throw authError(404, `Role ${name} does not exist.`);
    const updated = mergeRole(old, grant, revoke);
    const unchanged =
      samePermissions(updated.permissions, old.permissions) && old.grant === undefined && old.revoke === undefined;
    if (unchanged) throw authError(400, 'Role not updated. Use grant/revoke to update the role.');
    this.write(writes, 'update', roleKey(name), true);
    this.roles.set(name, updated);
    return updated;
  }

  /**
   * A store write as etcd's setResource/deleteResource makes it: first the auth directories
   * (ensureAuthDirectories), then the write itself, which takes an index only when it succeeds.
   */
  private write(writes: InternalWrite[], action: InternalWrite['action'], key: string, succeeds: boolean, refusal?: () => AuthError): void {
    if (!this.dirs) {
      for (const dir of [PREFIX, `${PREFIX}/users`, `${PREFIX}/roles`, ENABLED_KEY]) writes.push({ action: 'create', key: dir });
      this.dirs = true;
    }
    if (!succeeds) throw refusal!();
    writes.push({ action, key });
  }
}
