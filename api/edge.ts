// What every request meets before its route, as in etcd: Go parses the request target (a bare
// 400 if it cannot), etcd's access controller adds CORS headers (--cors, see cors.ts) and answers
// OPTIONS itself, and Go's ServeMux redirects a path that is not clean (`//`, `.`, `..`, or `%2F`
// making one) with 301.
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CorsPolicy } from './cors.js';
import { escapePath } from './go-url.js';
import { sendBadRequest, sendMovedPermanently } from './go-responses.js';
import { muxCleanPath, parseRequestTarget } from './request-target.js';
import type { RequestTarget } from './request-target.js';

const targets = new WeakMap<IncomingMessage, RequestTarget>();

/**
 * Fastify's rewriteUrl: remembers the parsed target and routes on its unescaped path, re-escaped
 * canonically, so `/v2/keys/a%2Fb` and `/v2/%6Beys/a/b` reach the same route as in Go. A byte
 * ≥0x80 is routed as the UTF-8 of its latin1 character: the router refuses escapes that do not
 * decode as UTF-8 (`%FF`), which Go takes as any other byte, and no route names such a byte.
 */
export function routeUrlOf(raw: IncomingMessage): string {
  const target = parseRequestTarget(raw.url ?? '');
  if (target === undefined) return '/'; // answered 400 by the hook below, whatever the route
  targets.set(raw, target);
  return escapePath(Buffer.from(target.path, 'utf8').toString('latin1'));
}

/** The target of a request, or undefined when Go could not have parsed it. */
export function parsedTargetOf(request: FastifyRequest): RequestTarget | undefined {
  return targets.get(request.raw);
}

/** The target of a request that passed the edge. */
export function targetOf(request: FastifyRequest): RequestTarget {
  const target = targets.get(request.raw);
  if (target === undefined) throw new Error('request did not pass the edge hook');
  return target;
}

/**
 * The onRequest hook, for the CORS policy of --cors; it answers when etcd would not reach a
 * handler, and only otherwise calls `done`. A callback hook, not an async one, so that a request
 * passing it costs no promise.
 */
export function edgeHook(cors: CorsPolicy) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const target = targets.get(request.raw);
    if (target === undefined) {
      sendBadRequest(reply);
      return;
    }
    const corsHeaders = cors(request.raw);
    if (corsHeaders !== undefined) reply.headers(corsHeaders);
    if (request.method === 'OPTIONS') {
      reply.code(200).send();
      return;
    }
    const clean = muxCleanPath(target.path);
    if (clean === target.path) {
      done();
      return;
    }
    sendMovedPermanently(reply, request.method, escapePath(clean) + (target.rawQuery === '' ? '' : '?' + target.rawQuery));
  };
}
