// The etcd v2 HTTP surface of one member, on fastify. It speaks only to MemberService and answers
// as etcd 3.4 with --enable-v2 does: same statuses, headers and body bytes. The caller listens.
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { authRoutes } from './auth-route.js';
import { corsPolicy } from './cors.js';
import { edgeHook, routeUrlOf } from './edge.js';
import { sendMessageError } from './etcd-responses.js';
import { shimConnections } from './shimmed-socket.js';
import { ClientGoneError } from './form-body.js';
import { rawBadRequest, sendBadRequest, sendNotFound } from './go-responses.js';
import { keysFastPath } from './keys-fast-path.js';
import type { FastPath } from './keys-fast-path.js';
import { keysRoutes } from './keys-route.js';
import { membersRoutes } from './members-route.js';
import { ANY_METHOD } from './methods.js';
import { migrateRoutes } from './migrate-route.js';
import { miscRoutes } from './misc-routes.js';
import { snapshotRoutes } from './snapshot-route.js';
import { statsRoutes } from './stats-route.js';

/**
 * Go's ParseForm reads at most 10 MiB of a form (maxFormSize): etcd's v2 limit, whatever
 * --max-request-bytes says (that is for v3 gRPC). etcd reads /v2/members and /v2/auth bodies
 * unbounded; raftkv bounds them the same, so no body is ever buffered past this.
 */
export const V2_MAX_BODY_BYTES = 10 << 20;

export interface AppOptions {
  /**
   * Largest request body read: a /v2/keys form, a /v2/members or /v2/auth request. A larger form is
   * refused with etcd's 210 "http: POST too large". Tests set less; members run with etcd's limit.
   */
  maxBodyBytes?: number;
  /** Where fastify logs (a pino logger); nothing is logged per request. */
  logger?: FastifyBaseLogger;
  /** The etcd server version this member reports on /version (etcd: "3.4.23"). */
  version: string;
  /**
   * etcd's --cors: the origins whose requests get CORS headers (echoing the origin); `['*']`, the
   * default, or an empty list gives every request `Access-Control-Allow-Origin: *`.
   */
  cors?: readonly string[];
}

/**
 * What Go's server writes, and closes the connection after, for a request it cannot parse: the
 * clientError handler of the app's server and of every listener bin/ opens for it.
 */
export function answerUnparseable(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(err.code === 'HPE_HEADER_OVERFLOW' ? rawBadRequest(431, 'Request Header Fields Too Large') : rawBadRequest());
}

const SILENT = { warn(): void {} };

function noSchemas(): never {
  throw new Error('raftkv routes declare no schemas: requests are read as Go reads them');
}

const fastPaths = new WeakMap<FastifyInstance, FastPath>();

/**
 * What a server listening for `app` hands each request to: its fast path, if it has one, then
 * fastify (`app.routing`, valid once the app is ready).
 */
export function requestEntryOf(app: FastifyInstance): RequestListener {
  return behindFastPath(fastPaths.get(app), (req, res) => app.routing(req, res));
}

/** `handler` alone, or `fast` first with `handler` for what it leaves. */
function behindFastPath(fast: FastPath | undefined, handler: RequestListener): RequestListener {
  if (fast === undefined) return handler;
  return (req, res) => {
    if (!fast(req, res)) handler(req, res);
  };
}

/**
 * A fastify app that meets requests as Go's server does: targets parsed and routed as Go routes
 * them, every method routed and no body read before the handler, unparseable requests answered
 * as Go answers them. A member's app and a proxy's start from it. `fastPath` sees each request
 * first (see requestEntryOf); `app.inject` bypasses it.
 */
export function goLikeApp(logger: FastifyBaseLogger | undefined, fastPath?: FastPath): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    // No route declares a schema, so fastify's default compilers (ajv, fast-json-stringify) would
    // only be loaded, never used: about 40 ms of every member's and proxy's start.
    schemaController: { compilersFactory: { buildValidator: () => noSchemas, buildSerializer: () => noSchemas } },
    exposeHeadRoutes: false,
    // Parameters, paths and bodies are read the way Go reads them, not by fastify.
    rewriteUrl: (raw) => routeUrlOf(raw),
    routerOptions: { querystringParser: () => ({}) },
    clientErrorHandler: answerUnparseable,
    // Its own server too reads request lines as Go does (bin/ opens the listeners members serve on).
    serverFactory: (handler) => {
      const server = createServer(behindFastPath(fastPath, handler));
      shimConnections(server, 'connection');
      return server;
    },
    frameworkErrors: (_err, _request, reply) => void sendBadRequest(reply),
    // Long polls would otherwise hold close() open until they end.
    forceCloseConnections: true,
  });

  // No body is parsed by fastify: the routes read forms and JSON themselves, bounded.
  for (const method of ANY_METHOD) app.addHttpMethod(method, { hasBody: false, overrideExisting: true });
  if (fastPath !== undefined) fastPaths.set(app, fastPath);
  return app;
}

export function buildApp(service: MemberService, opts: AppOptions): FastifyInstance {
  const cors = corsPolicy(opts.cors ?? ['*']);
  const maxBodyBytes = opts.maxBodyBytes ?? V2_MAX_BODY_BYTES;
  const app = goLikeApp(opts.logger, keysFastPath(service, { cors, maxBodyBytes, log: opts.logger ?? SILENT }));
  app.addHook('onRequest', edgeHook(cors));

  keysRoutes(app, { service, maxBodyBytes });
  membersRoutes(app, { service, maxBodyBytes });
  authRoutes(app, { service, maxBodyBytes });
  statsRoutes(app, service);
  miscRoutes(app, service, opts.version);
  snapshotRoutes(app, service);
  migrateRoutes(app, service);
  app.setNotFoundHandler((_request, reply) => sendNotFound(reply));
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ClientGoneError) return reply.hijack();
    request.log.error({ err }, 'unexpected error answering a client');
    return sendMessageError(reply, 500, 'Internal Server Error');
  });
  return app;
}
