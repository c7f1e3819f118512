// The client side of a v2 proxy, in etcd's order: Go's mux redirects an unclean path; a readonly
// proxy answers anything but GET with a bare 501; CORS headers are added (--cors) and OPTIONS
// answered by the proxy; `/v2/config/local/proxy` lists the members in use; everything else is
// forwarded (forward.ts) to a member.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { goLikeApp } from '../app.js';
import { corsPolicy } from '../cors.js';
import { parsedTargetOf } from '../edge.js';
import { escapePath } from '../go-url.js';
import { sendBadRequest, sendMethodNotAllowed, sendMovedPermanently, sendText } from '../go-responses.js';
import { ANY_METHOD } from '../methods.js';
import { muxCleanPath } from '../request-target.js';
import type { ForwardTargets, Forwarder } from './forward.js';

export type ProxyMode = 'on' | 'readonly';

export interface ProxyAppOptions {
  mode: ProxyMode;
  targets: ForwardTargets;
  forward: Forwarder;
  cors: readonly string[];
  logger?: FastifyBaseLogger;
}

export function buildProxyApp(opts: ProxyAppOptions): FastifyInstance {
  const app = goLikeApp(opts.logger);
  const cors = corsPolicy(opts.cors);
  app.addHook('onRequest', (request, reply, done) => {
    const target = parsedTargetOf(request);
    if (target === undefined) return void sendBadRequest(reply);
    const clean = muxCleanPath(target.path);
    if (clean !== target.path) {
      return void sendMovedPermanently(reply, request.method, escapePath(clean) + (target.rawQuery === '' ? '' : '?' + target.rawQuery));
    }
    if (opts.mode === 'readonly' && request.method !== 'GET') return void reply.code(501).send();
    const headers = cors(request.raw);
    if (headers !== undefined) reply.headers(headers);
    if (request.method === 'OPTIONS') return void reply.code(200).send();
    done();
  });
  app.route({
    method: [...ANY_METHOD],
    url: '/v2/config/local/proxy',
    handler: (request, reply) => {
      if (request.method !== 'GET') return sendMethodNotAllowed(reply, ['GET']);
      // Go sniffs the JSON it was not told the type of as text.
      reply.header('Content-Type', 'text/plain; charset=utf-8');
      return sendText(reply, JSON.stringify({ endpoints: opts.targets.available().map((e) => e.url) }) + '\n');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    // The CORS headers come first; the member's own follow (twice over, as through etcd's proxy).
    const preset = Object.entries(cors(request.raw) ?? {}).flat();
    reply.hijack();
    return opts.forward(request.raw, reply.raw, request.originalUrl, preset);
  });
  return app;
}
