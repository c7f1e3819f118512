// POST /raftkv/v1/migrate: the steps `raftkv migrate` takes (migrate-request.ts), on raftkv's own
// path so it never meets one of etcd's. Root only when auth is on, as etcd guards its own
// cluster-wide changes. Answers {"index": N}, the store's index after the step, or etcd's error JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { hasRootAccess, sendNoAuth } from './auth-access.js';
import { asEtcdError, sendEtcdError, sendJSON } from './etcd-responses.js';
import { readAtMost } from './form-body.js';
import { sendMethodNotAllowed } from './go-responses.js';
import { parseMigrateOp } from './migrate-request.js';
import { ANY_METHOD } from './methods.js';

export const MIGRATE_PATH = '/raftkv/v1/migrate';

/** A step holds at most one etcd value of 10 MiB beyond its batch, JSON-escaped (up to 6 bytes a byte). */
const MAX_STEP_BYTES = 64 << 20;

async function serveMigrate(service: MemberService, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (request.method !== 'POST') return sendMethodNotAllowed(reply, ['POST']);
  if (!(await hasRootAccess(service.auth, request))) return sendNoAuth(reply);
  const body = await readAtMost(request.raw, MAX_STEP_BYTES);
  if (body === undefined) {
    reply.header('Connection', 'close');
    return sendJSON(reply, { message: 'raftkv migrate: step too large' }, 'marshal', 413);
  }
  try {
    if (service.migrate === undefined) return sendJSON(reply, { message: 'this member cannot migrate' }, 'marshal', 404);
    const index = await service.migrate(parseMigrateOp(body.toString('utf8')));
    return sendJSON(reply, { index }, 'encoder');
  } catch (err) {
    return sendEtcdError(reply, asEtcdError(err));
  }
}

export function migrateRoutes(app: FastifyInstance, service: MemberService): void {
  app.route({ method: [...ANY_METHOD], url: MIGRATE_PATH, handler: (request, reply) => serveMigrate(service, request, reply) });
}
