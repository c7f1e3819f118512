// /v2/auth, as etcd 3.4's authHandler: /enable (GET status, PUT enable, DELETE disable),
// /users[/name] and /roles[/name] (GET, PUT to create or to grant and revoke, DELETE). All but the
// reads of /enable need the root role once auth is enabled. Users and roles are listed as objects.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthOp, AuthResult } from '../src/auth/auth-state.js';
import type { AuthService } from '../src/auth/auth-service.js';
import { AuthError, isEmptyPermissions } from '../src/auth/model.js';
import type { Role, User } from '../src/auth/model.js';
import type { MemberService } from '../src/server/member-service.js';
import { formatId } from '../src/server/ids.js';
import { hasRootAccess, hasWriteRootAccess, sendNoAuth } from './auth-access.js';
import { decodeRoleBody, decodeUserBody, roleJSON, userJSON, userWithRolesJSON } from './auth-json.js';
import { targetOf } from './edge.js';
import { sendJSON, sendMessageError } from './etcd-responses.js';
import { readAtMost } from './form-body.js';
import { decodeGoUtf8 } from './go-utf8.js';
import { bytesOf } from './go-url.js';
import { sendMethodNotAllowed, sendText } from './go-responses.js';
import { ANY_METHOD } from './methods.js';
import { cleanPath } from './request-target.js';

const AUTH_PREFIX = '/v2/auth';
const ONE_METHODS = ['GET', 'PUT', 'DELETE'];
const INVALID_JSON = 'Invalid JSON in request body.';

export interface AuthRouteOptions {
  service: MemberService;
  /** Largest request body read; a larger one is refused as invalid JSON. */
  maxBodyBytes: number;
}

/** An answer: a status with etcd's JSON (or no body), or a refusal. */
type Answer = { status: number; body?: object } | AuthError;

const ok = (body: object | AuthError): Answer => (body instanceof AuthError ? body : { status: 200, body });

/** One of /users and /roles: how etcd lists, shows, changes and deletes its entries. */
interface Resource {
  list(auth: AuthService): object;
  show(auth: AuthService, name: string): object | AuthError;
  put(auth: AuthService, name: string, body: Uint8Array): Promise<Answer>;
  deleteOp(name: string): AuthOp;
}

/** A user's roles in full; a role that no longer exists fails the answer, or is skipped when listing. */
function rolesOf(auth: AuthService, names: readonly string[], skipMissing: boolean): Role[] | AuthError {
  const roles: Role[] = [];
  for (const name of names) {
    const role = auth.getRole(name);
    if (!(role instanceof AuthError)) roles.push(role);
    else if (!skipMissing) return role;
  }
  return roles;
}

function answerOf(result: AuthResult): Answer {
  switch (result.kind) {
    case 'refused':
      return result.error;
    case 'user':
      return { status: result.created ? 201 : 200, body: userJSON(result.user) };
    case 'role':
      return { status: 200, body: roleJSON(result.role) };
    case 'done':
      return { status: 200 };
  }
}

const badRequest = (message: string): AuthError => new AuthError(400, message);

const users: Resource = {
  list(auth) {
    const listed = auth.userNames().map((name) => {
      const user = auth.getUser(name) as User;
      return userWithRolesJSON(name, rolesOf(auth, user.roles ?? [], true) as Role[]);
    });
    return { users: listed.length === 0 ? null : listed };
  },
  show(auth, name) {
    const user = auth.getUser(name);
    if (user instanceof AuthError) return user;
    const roles = rolesOf(auth, user.roles ?? [], false);
    return roles instanceof AuthError ? roles : userWithRolesJSON(user.user, roles);
  },
  async put(auth, name, body) {
    const u = decodeUserBody(body);
    if (u === undefined) return badRequest(INVALID_JSON);
    if (u.user !== name) return badRequest('User JSON name does not match the name in the URL');
    const roles = u.roles ?? [];
    if ((u.grant ?? []).length === 0 && (u.revoke ?? []).length === 0) {
      return answerOf(await auth.change({ op: 'createUser', user: name, password: u.password, roles: u.roles, orUpdate: roles.length === 0 }));
    }
    if (roles.length !== 0) return badRequest('User JSON contains both roles and grant/revoke');
    return answerOf(await auth.change({ op: 'updateUser', user: name, password: u.password, grant: u.grant, revoke: u.revoke }));
  },
  deleteOp: (name) => ({ op: 'deleteUser', user: name }),
};

const roles: Resource = {
  list: (auth) => ({ roles: auth.roleNames().map((name) => roleJSON(auth.getRole(name) as Role)) }),
  show(auth, name) {
    const role = auth.getRole(name);
    return role instanceof AuthError ? role : roleJSON(role);
  },
  async put(auth, name, body) {
    const r = decodeRoleBody(body);
    if (r === undefined) return badRequest(INVALID_JSON);
    if (r.role !== name) return badRequest('Role JSON name does not match the name in the URL');
    if (isEmptyPermissions(r.grant) && isEmptyPermissions(r.revoke)) {
      const result = await auth.change({ op: 'createRole', role: r });
      return result.kind === 'refused' ? result.error : { status: 201, body: roleJSON(r) };
    }
    if (!isEmptyPermissions(r.permissions)) return badRequest('Role JSON contains both permissions and grant/revoke');
    return answerOf(await auth.change({ op: 'updateRole', role: name, grant: r.grant, revoke: r.revoke }));
  },
  deleteOp: (name) => ({ op: 'deleteRole', role: name }),
};

function startAnswer(reply: FastifyReply, service: MemberService): void {
  reply.header('X-Etcd-Cluster-Id', formatId(service.clusterId)).header('Content-Type', 'application/json');
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  if (answer instanceof AuthError) return sendMessageError(reply, answer.status, answer.message);
  return answer.body === undefined ? sendText(reply.code(answer.status), '') : sendJSON(reply, answer.body, 'encoder', answer.status);
}

/** Runs a change; a failure that is not etcd's refusal (a timeout, no leader) is its 500. */
async function changing(request: FastifyRequest, reply: FastifyReply, run: () => Promise<Answer>): Promise<FastifyReply> {
  try {
    return send(reply, await run());
  } catch (err) {
    request.log.warn({ err }, 'auth change failed');
    return sendMessageError(reply, 500, 'Internal Server Error');
  }
}

async function serveBase(opts: AuthRouteOptions, resource: Resource, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (request.method !== 'GET') return sendMethodNotAllowed(reply, ['GET']);
  if (!(await hasRootAccess(opts.service.auth, request))) return sendNoAuth(reply);
  startAnswer(reply, opts.service);
  return send(reply, ok(resource.list(opts.service.auth)));
}

async function serveOne(opts: AuthRouteOptions, resource: Resource, name: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!ONE_METHODS.includes(request.method)) return sendMethodNotAllowed(reply, ONE_METHODS);
  const auth = opts.service.auth;
  if (!(await hasRootAccess(auth, request))) return sendNoAuth(reply);
  startAnswer(reply, opts.service);
  switch (request.method) {
    case 'GET':
      return send(reply, ok(resource.show(auth, name)));
    case 'PUT': {
      const body = await readAtMost(request.raw, opts.maxBodyBytes);
      if (body === undefined) {
        reply.header('Connection', 'close');
        return send(reply, badRequest(INVALID_JSON));
      }
      return changing(request, reply, () => resource.put(auth, name, body));
    }
    default:
      return changing(request, reply, async () => answerOf(await auth.change(resource.deleteOp(name))));
  }
}

/** etcd's handleUsers/handleRoles: the cleaned path after /v2/auth, split on `/`. */
function serveResource(opts: AuthRouteOptions, resource: Resource, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> | FastifyReply {
  const pieces = cleanPath(targetOf(request).path.slice(AUTH_PREFIX.length)).split('/');
  if (pieces.length === 2) return serveBase(opts, resource, request, reply);
  if (pieces.length !== 3) return sendMessageError(reply, 400, 'Invalid path');
  // Bytes that are not UTF-8 name nobody: no JSON name can equal them (see decodeGoUtf8).
  return serveOne(opts, resource, decodeGoUtf8(bytesOf(pieces[2]!), '\ud800'), request, reply);
}

async function serveEnable(opts: AuthRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!ONE_METHODS.includes(request.method)) return sendMethodNotAllowed(reply, ONE_METHODS);
  const auth = opts.service.auth;
  if (!(await hasWriteRootAccess(auth, request))) return sendNoAuth(reply);
  startAnswer(reply, opts.service);
  if (request.method === 'GET') return send(reply, ok({ enabled: auth.enabled }));
  const op: AuthOp = request.method === 'PUT' ? { op: 'enable' } : { op: 'disable' };
  return changing(request, reply, async () => answerOf(await auth.change(op)));
}

export function authRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const route = (url: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | FastifyReply): void => {
    app.route({ method: [...ANY_METHOD], url, handler });
  };
  route(`${AUTH_PREFIX}/enable`, (request, reply) => serveEnable(opts, request, reply));
  for (const [name, resource] of [['users', users], ['roles', roles]] as const) {
    route(`${AUTH_PREFIX}/${name}`, (request, reply) => serveBase(opts, resource, request, reply));
    route(`${AUTH_PREFIX}/${name}/*`, (request, reply) => serveResource(opts, resource, request, reply));
  }
}
