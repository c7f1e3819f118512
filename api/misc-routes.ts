// The small endpoints etcd serves beside the v2 API: /version, /health, /v2/machines, /metrics,
// /debug/vars.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { debugVarsBody } from './debug-vars.js';
import { goJSON } from './go-json.js';
import { sendGoError, sendMethodNotAllowed, sendText } from './go-responses.js';
import { ANY_METHOD } from './methods.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

/** A route answering every method, the ones not `allowed` with Go's 405. */
export function route(app: FastifyInstance, url: string, allowed: readonly string[] | 'any', handler: Handler): void {
  app.route({
    method: [...ANY_METHOD],
    url,
    handler: (request, reply) => (allowed === 'any' || allowed.includes(request.method) ? handler(request, reply) : sendMethodNotAllowed(reply, allowed)),
  });
}

/** etcd's cluster version: the server version's major.minor with patch 0. */
export function clusterVersionOf(serverVersion: string): string {
  const [major = '0', minor = '0'] = serverVersion.split('.');
  return `${major}.${minor}.0`;
}

export function miscRoutes(app: FastifyInstance, service: MemberService, etcdVersion: string): void {
  const versionBody = goJSON({ etcdserver: etcdVersion, etcdcluster: clusterVersionOf(etcdVersion) });
  route(app, '/version', ['GET'], (_request, reply) => sendText(reply.header('Content-Type', 'application/json'), versionBody));

  // Go sniffs the type of these bodies: text/plain. An unhealthy member answers through http.Error.
  route(app, '/health', ['GET'], async (_request, reply) => {
    if (!(await service.healthy())) return sendGoError(reply, 503, '{"health":"false"}');
    return sendText(reply.header('Content-Type', 'text/plain; charset=utf-8'), '{"health":"true"}');
  });
  route(app, '/v2/machines', ['GET', 'HEAD'], (_request, reply) => {
    const body = service.members().flatMap((m) => m.clientURLs).sort().join(', ');
    if (body !== '') reply.header('Content-Type', 'text/plain; charset=utf-8'); // Go sniffs no type from nothing
    return sendText(reply, body);
  });

  route(app, '/metrics', 'any', async (_request, reply) =>
    sendText(reply.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8'), await service.metricsText()),
  );
  route(app, '/debug/vars', ['GET'], (_request, reply) =>
    sendText(reply.header('Content-Type', 'application/json; charset=utf-8'), debugVarsBody(service.raftStatus())),
  );
}
