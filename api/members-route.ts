// /v2/members, as etcd's membersHandler: GET lists the members (or /leader names the leader),
// POST adds one, PUT /<id> changes its peer URLs, DELETE /<id> removes it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MembershipError } from '../src/server/member-service.js';
import type { MemberInfo, MemberService, MembershipRefusal } from '../src/server/member-service.js';
import { hasWriteRootAccess, sendNoAuth } from './auth-access.js';
import { targetOf } from './edge.js';
import { formatId } from '../src/server/ids.js';
import { compareIds, parseEtcdId } from './etcd-id.js';
import { sendJSON, sendMessageError } from './etcd-responses.js';
import { readAtMost } from './form-body.js';
import { decodeGoUtf8 } from './go-utf8.js';
import { bytesOf } from './go-url.js';
import { sendGoError, sendMethodNotAllowed, sendText } from './go-responses.js';
import { memberContentTypeRefusal, parsePeerURLsBody } from './member-request.js';
import type { Refusal } from './member-request.js';
import { ANY_METHOD } from './methods.js';

const MEMBERS_PREFIX = '/v2/members';
const MEMBERS_METHODS = ['GET', 'POST', 'DELETE', 'PUT'];
const CANNOT_CHANGE = 'this member cannot change the membership';

export interface MembersRouteOptions {
  service: MemberService;
  /** Largest request body read. */
  maxBodyBytes: number;
}

/** httptypes.Member: exactly these four fields, lists never null. */
function memberJSON(m: MemberInfo): object {
  return { id: formatId(m.id), name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] };
}

/** What follows /v2/members and one slash (etcd's trimPrefix). */
function subPath(bytePath: string): string {
  return decodeGoUtf8(bytesOf(bytePath.slice(MEMBERS_PREFIX.length).replace(/^\//, '')));
}

/** etcd's status and message for a refused change, by the method that asked. */
function refusalOf(method: string, refusal: MembershipRefusal, id: string): Refusal | undefined {
  switch (refusal) {
    case 'id-exists':
      return method === 'POST' ? { status: 409, message: 'membership: ID exists' } : undefined;
    case 'peer-url-exists':
      return method === 'DELETE' ? undefined : { status: 409, message: 'membership: peerURL exists' };
    case 'not-found':
      return method === 'POST' ? undefined : { status: 404, message: `No such member: ${formatId(id)}` };
    case 'removed':
      return method === 'DELETE' ? { status: 410, message: `Member permanently removed: ${formatId(id)}` } : undefined;
  }
}

/** Answers a failed change: etcd's refusal for what it names, 500 for anything else. */
function sendChangeFailure(request: FastifyRequest, reply: FastifyReply, err: unknown, id: string): FastifyReply {
  const refusal = err instanceof MembershipError ? refusalOf(request.method, err.refusal, id) : undefined;
  if (refusal !== undefined) return sendMessageError(reply, refusal.status, refusal.message);
  request.log.warn({ err }, 'membership change failed');
  return sendMessageError(reply, 500, 'Internal Server Error');
}

async function readPeerURLs(request: FastifyRequest, reply: FastifyReply, maxBodyBytes: number): Promise<string[] | undefined> {
  let refusal: Refusal | undefined = memberContentTypeRefusal(request.headers['content-type']);
  if (refusal === undefined) {
    const body = await readAtMost(request.raw, maxBodyBytes);
    if (body === undefined) reply.header('Connection', 'close');
    const parsed = body === undefined ? { status: 400, message: 'http: request body too large' } : parsePeerURLsBody(body);
    if (Array.isArray(parsed)) return parsed;
    refusal = parsed;
  }
  sendMessageError(reply, refusal.status, refusal.message);
  return undefined;
}

/** The member id a PUT or DELETE names; answers etcd's refusal when there is none. */
function memberIdOf(reply: FastifyReply, sub: string): string | undefined {
  if (sub === '') {
    sendGoError(reply, 405, 'Method Not Allowed');
    return undefined;
  }
  const id = parseEtcdId(sub);
  if (id === undefined) sendMessageError(reply, 404, `No such member: ${sub}`);
  return id;
}

async function serveMembers(opts: MembersRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { service } = opts;
  if (!MEMBERS_METHODS.includes(request.method)) return sendMethodNotAllowed(reply, MEMBERS_METHODS);
  if (!(await hasWriteRootAccess(service.auth, request))) return sendNoAuth(reply);
  reply.header('X-Etcd-Cluster-Id', formatId(service.clusterId));
  const sub = subPath(targetOf(request).path);

  switch (request.method) {
    case 'GET': {
      if (sub === '') {
        const members = [...service.members()].sort((a, b) => compareIds(a.id, b.id));
        return sendJSON(reply, { members: members.map(memberJSON) }, 'encoder');
      }
      if (sub !== 'leader') return sendMessageError(reply, 404, 'Not found');
      const leaderId = service.leaderId();
      const leader = service.members().find((m) => m.id === leaderId);
      if (leader === undefined) return sendMessageError(reply, 503, 'During election');
      return sendJSON(reply, memberJSON(leader), 'encoder');
    }
    case 'POST': {
      const peerURLs = await readPeerURLs(request, reply, opts.maxBodyBytes);
      if (peerURLs === undefined) return reply;
      try {
        if (service.addMember === undefined) throw new Error(CANNOT_CHANGE);
        return sendJSON(reply, memberJSON(await service.addMember(peerURLs)), 'encoder', 201);
      } catch (err) {
        return sendChangeFailure(request, reply, err, '');
      }
    }
    default: {
      const id = memberIdOf(reply, sub);
      if (id === undefined) return reply;
      const peerURLs = request.method === 'PUT' ? await readPeerURLs(request, reply, opts.maxBodyBytes) : [];
      if (peerURLs === undefined) return reply;
      try {
        if (request.method === 'DELETE') {
          if (service.removeMember === undefined) throw new Error(CANNOT_CHANGE);
          await service.removeMember(id);
        } else {
          if (service.updateMember === undefined) throw new Error(CANNOT_CHANGE);
          await service.updateMember(id, peerURLs);
        }
        return sendText(reply.code(204), '');
      } catch (err) {
        return sendChangeFailure(request, reply, err, id);
      }
    }
  }
}

export function membersRoutes(app: FastifyInstance, opts: MembersRouteOptions): void {
  for (const url of [MEMBERS_PREFIX, `${MEMBERS_PREFIX}/*`]) {
    app.route({ method: [...ANY_METHOD], url, handler: (request, reply) => serveMembers(opts, request, reply) });
  }
}
