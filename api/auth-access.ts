// The access checks etcd's v2 handlers make before doing anything, and their refusals: the root
// role for /v2/auth and for changing /v2/members (reads of both are open to anyone: etcd's
// hasWriteRootAccess), and key permissions for /v2/keys (error 110, nothing done).
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmptyPatternError } from '../src/auth/permissions.js';
import type { AuthService } from '../src/auth/auth-service.js';
import { EtcdError, ErrorCode } from '../src/store/types.js';
import { credentialsOf } from './credentials.js';
import { sendEtcdError, sendMessageError } from './etcd-responses.js';

const INSUFFICIENT = 'Insufficient credentials';

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD';

export function hasRootAccess(auth: AuthService, request: FastifyRequest): Promise<boolean> {
  return auth.hasRootAccess(credentialsOf(request.raw));
}

/** etcd's hasWriteRootAccess: GET and HEAD need nothing, other methods the root role. */
export async function hasWriteRootAccess(auth: AuthService, request: FastifyRequest): Promise<boolean> {
  return isRead(request.method) || hasRootAccess(auth, request);
}

/** etcd's writeNoAuth: 401 with a bare message, before any other header is set. */
export function sendNoAuth(reply: FastifyReply): FastifyReply {
  return sendMessageError(reply, 401, INSUFFICIENT);
}

/** etcd's refusal of a key it may not touch: 110 with index 0. */
export const keyAccessRefused = (): EtcdError => new EtcdError(ErrorCode.Unauthorized, INSUFFICIENT, 0);

/**
 * Whether the request may touch `key` (the path after /v2/keys, a byte string): 'drop' where etcd
 * panics on an empty permission pattern, and Go's server drops the connection without an answer.
 */
export async function keyAccessOf(auth: AuthService, request: IncomingMessage, key: string, recursive: boolean): Promise<'granted' | 'refused' | 'drop'> {
  try {
    return (await auth.hasKeyAccess(credentialsOf(request), key, recursive, !isRead(request.method ?? ''))) ? 'granted' : 'refused';
  } catch (err) {
    if (!(err instanceof EmptyPatternError)) throw err;
    return 'drop';
  }
}

/** keyAccessOf, answering a refusal (110) or dropping the connection. */
export async function keyAccessGranted(auth: AuthService, request: FastifyRequest, reply: FastifyReply, key: string, recursive: boolean): Promise<boolean> {
  const access = await keyAccessOf(auth, request.raw, key, recursive);
  if (access === 'granted') return true;
  if (access === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
  } else {
    sendEtcdError(reply, keyAccessRefused());
  }
  return false;
}
