// /v2/keys: parameters read like Go's ParseForm, checked like etcd, then run by the member
// (service.handle) or watched (service.watch); answered with etcd's status, headers and JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { EtcdError } from '../src/store/types.js';
import type { StoreEvent } from '../src/store/types.js';
import { keyAccessGranted } from './auth-access.js';
import { targetOf } from './edge.js';
import { formatId } from '../src/server/ids.js';
import { asEtcdError, sendEtcdError } from './etcd-responses.js';
import { createdNode, encodeEvent } from './event-json.js';
import { readForm } from './form-body.js';
import { decodeGoUtf8 } from './go-utf8.js';
import { bytesOf } from './go-url.js';
import { sendMethodNotAllowed, sendText } from './go-responses.js';
import { KEY_METHODS, parseKeyRequest } from './keys-request.js';
import type { KeyMethod, KeyRequest } from './keys-request.js';
import { ANY_METHOD } from './methods.js';
import { cleanPath } from './request-target.js';
import { serveWatch } from './watch.js';

const KEYS_PREFIX = '/v2/keys';

export interface KeysRouteOptions {
  service: MemberService;
  /** Largest form body read. */
  maxBodyBytes: number;
}

function isKeyMethod(method: string): method is KeyMethod {
  return (KEY_METHODS as readonly string[]).includes(method);
}

/** The key a /v2/keys path names, as etcd's path.Join makes it: rooted, clean, no trailing slash. */
function keyOfPath(bytePath: string): string {
  return decodeGoUtf8(bytesOf(cleanPath('/' + bytePath.slice(KEYS_PREFIX.length))));
}

function sendEvent(reply: FastifyReply, service: MemberService, ev: StoreEvent, noValueOnSuccess: boolean): FastifyReply {
  const { raftIndex, raftTerm } = service.indexes();
  reply
    .code(createdNode(ev) ? 201 : 200)
    .header('Content-Type', 'application/json')
    .header('X-Etcd-Index', String(ev.etcdIndex))
    .header('X-Raft-Index', String(raftIndex))
    .header('X-Raft-Term', String(raftTerm));
  return sendText(reply, encodeEvent(ev, noValueOnSuccess));
}

async function serveKeys(opts: KeysRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { service } = opts;
  const method = request.method;
  if (!isKeyMethod(method)) return sendMethodNotAllowed(reply, KEY_METHODS);
  reply.header('X-Etcd-Cluster-Id', formatId(service.clusterId));
  const target = targetOf(request);
  const form = await readForm({
    raw: request.raw,
    method,
    contentType: request.headers['content-type'],
    rawQuery: target.rawQuery,
    maxBodyBytes: opts.maxBodyBytes,
  });
  if (form.abandoned) reply.header('Connection', 'close'); // the rest of the body is never read

  let parsed: KeyRequest;
  try {
    parsed = parseKeyRequest({ method, key: keyOfPath(target.path), form, now: Date.now() });
  } catch (err) {
    return sendEtcdError(reply, asEtcdError(err));
  }
  // etcd checks the path as the request named it (after /v2/keys, uncleaned), once parsed.
  const accessKey = target.path.slice(KEYS_PREFIX.length);
  // With auth off (the usual case) nothing is parsed or awaited per request.
  if (service.auth.enabled && !(await keyAccessGranted(service.auth, request, reply, accessKey, parsed.request.recursive === true))) return reply;
  // etcd counts a request once parsed and authorized, under QGET for a quorum read.
  const metricMethod = method === 'GET' && parsed.request.quorum ? 'QGET' : method;
  service.requestMetrics.received(metricMethod);
  if (parsed.request.wait) return serveWatch(reply, service, parsed.request, request.log);
  const startedAt = performance.now();
  try {
    const sent = sendEvent(reply, service, await service.handle(parsed.request), parsed.noValueOnSuccess);
    service.requestMetrics.succeeded(metricMethod, (performance.now() - startedAt) / 1000);
    return sent;
  } catch (err) {
    if (!(err instanceof EtcdError)) request.log.warn({ err }, 'v2 request failed');
    const etcdError = asEtcdError(err);
    service.requestMetrics.failed(metricMethod, etcdError.status);
    return sendEtcdError(reply, etcdError);
  }
}

export function keysRoutes(app: FastifyInstance, opts: KeysRouteOptions): void {
  for (const url of [KEYS_PREFIX, `${KEYS_PREFIX}/*`]) {
    app.route({ method: [...ANY_METHOD], url, handler: (request, reply) => serveKeys(opts, request, reply) });
  }
}
