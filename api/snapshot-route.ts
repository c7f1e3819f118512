// GET /raftkv/v1/snapshot, raftkv's own endpoint for `raftkv snapshot save` (no etcd path starts
// with /raftkv). It hands out every key, user and password hash, so with v2 auth on it is root's
// alone, like etcd's root-only endpoints; anyone else gets etcd's 401 and nothing is read.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { hasRootAccess, sendNoAuth } from './auth-access.js';
import { asEtcdError, sendEtcdError, sendMessageError } from './etcd-responses.js';
import { route } from './misc-routes.js';

export const SNAPSHOT_PATH = '/raftkv/v1/snapshot';

export function snapshotRoutes(app: FastifyInstance, service: MemberService): void {
  route(app, SNAPSHOT_PATH, ['GET'], async (request, reply) => {
    if (!(await hasRootAccess(service.auth, request))) return sendNoAuth(reply);
    if (!service.onlineSnapshot) return sendMessageError(reply, 501, 'this member takes no snapshots');
    let chunks: Buffer[];
    try {
      chunks = await service.onlineSnapshot();
    } catch (err) {
      return sendEtcdError(reply, asEtcdError(err));
    }
    const length = chunks.reduce((n, c) => n + c.length, 0);
    reply.header('Content-Type', 'application/octet-stream').header('Content-Length', String(length));
    return reply.send(Readable.from(chunks));
  });
}
