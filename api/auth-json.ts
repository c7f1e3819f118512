// The JSON of /v2/auth: request bodies read as etcd reads them (json.NewDecoder(body).Decode into
// v2auth.User or v2auth.Role: the first value only, field names matched case-insensitively,
// unknown fields ignored, null leaving a field unset, any type mismatch a failure), and the
// shapes etcd answers with. Lists keep Go's nil (null) apart from empty ([]).
import type { GoList, Permissions, Role, User } from '../src/auth/model.js';
import { goJSONValueEnd } from './go-json-syntax.js';
import { decodeGoUtf8 } from './go-utf8.js';

export interface UserBody {
  user: string;
  password: string;
  roles: GoList;
  grant: GoList;
  revoke: GoList;
}

export interface RoleBody {
  role: string;
  permissions: Permissions;
  grant?: Permissions;
  revoke?: Permissions;
}

class TypeMismatch extends Error {}

type Fields = Record<string, unknown>;

/** Go's field-name match: case-insensitive, with the two non-ASCII letters Go folds to ASCII. */
function fieldName(key: string): string {
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
}

/** Go turns a lone surrogate escape into U+FFFD. */
function goText(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** The fields of a JSON object by Go name, the last of equal names winning; null is absent. */
function fieldsOf(value: unknown): Fields {
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeMismatch();
  const out: Fields = Object.create(null) as Fields;
  for (const [k, v] of Object.entries(value ?? {})) {
    if (v !== null) out[fieldName(k)] = v;
  }
  return out;
}

function str(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new TypeMismatch();
  return goText(v);
}

function list(v: unknown): GoList {
  if (v === undefined) return null;
  if (!Array.isArray(v)) throw new TypeMismatch();
  return v.map((item) => (item === null ? '' : str(item)));
}

function permissions(v: unknown): Permissions {
  const kv = fieldsOf(fieldsOf(v ?? {}).kv ?? {});
  return { kv: { read: list(kv.read), write: list(kv.write) } };
}

/** The first JSON value of a body, or undefined where etcd answers "Invalid JSON in request body.". */
function decodeFirst<T>(body: Uint8Array, build: (fields: Fields) => T): T | undefined {
  const end = goJSONValueEnd(body);
  if (end === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(decodeGoUtf8(body.subarray(0, end)));
    return build(value === null ? {} : fieldsOf(value));
  } catch (err) {
    if (err instanceof TypeMismatch) return undefined;
    throw err;
  }
}

export function decodeUserBody(body: Uint8Array): UserBody | undefined {
  return decodeFirst(body, (f) => ({ user: str(f.user), password: str(f.password), roles: list(f.roles), grant: list(f.grant), revoke: list(f.revoke) }));
}

export function decodeRoleBody(body: Uint8Array): RoleBody | undefined {
  return decodeFirst(body, (f) => {
    const role: RoleBody = { role: str(f.role), permissions: permissions(f.permissions) };
    if (f.grant !== undefined) role.grant = permissions(f.grant);
    if (f.revoke !== undefined) role.revoke = permissions(f.revoke);
    return role;
  });
}

// ---- answers ----

function permissionsJSON(p: Permissions): object {
  return { kv: { read: p.kv.read, write: p.kv.write } };
}

/** v2auth.Role: grant and revoke only when the role holds them. */
export function roleJSON(r: Role): object {
  return {
    role: r.role,
    permissions: permissionsJSON(r.permissions),
    grant: r.grant && permissionsJSON(r.grant),
    revoke: r.revoke && permissionsJSON(r.revoke),
  };
}

/** v2auth.User as a PUT answers it: the password cleared (omitted), roles as names. */
export function userJSON(u: User): object {
  return { user: u.user, roles: u.roles };
}

/** etcd's userWithRoles: each role in full, the list left out when empty. */
export function userWithRolesJSON(name: string, roles: Role[]): object {
  return { user: name, roles: roles.length === 0 ? undefined : roles.map(roleJSON) };
}
