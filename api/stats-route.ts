// /v2/stats/self, /v2/stats/leader and /v2/stats/store: the member's statistics as etcd writes
// them (json.Marshal, no trailing newline); a follower answers /leader with 403.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { sendJSON, sendMessageError } from './etcd-responses.js';
import { sendMethodNotAllowed } from './go-responses.js';
import { ANY_METHOD } from './methods.js';

function statsRoute(app: FastifyInstance, url: string, body: (reply: FastifyReply) => FastifyReply): void {
  app.route({
    method: [...ANY_METHOD],
    url,
    handler: (request, reply) => (request.method === 'GET' ? body(reply) : sendMethodNotAllowed(reply, ['GET'])),
  });
}

export function statsRoutes(app: FastifyInstance, service: MemberService): void {
  statsRoute(app, '/v2/stats/self', (reply) => sendJSON(reply, service.selfStats(), 'marshal'));
  statsRoute(app, '/v2/stats/store', (reply) => sendJSON(reply, service.storeStats(), 'marshal'));
  statsRoute(app, '/v2/stats/leader', (reply) => {
    const stats = service.leaderStats();
    return stats === undefined ? sendMessageError(reply, 403, 'not current leader') : sendJSON(reply, stats, 'marshal');
  });
}
