// /v2/keys: parameters read like Go's ParseForm, checked like etcd, then run by the member
// (service.handle) or watched (service.watch); answered with etcd's status, headers and JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MemberService } from '../src/server/member-service.js';
import { keyAccessGranted } from './auth-access.js';
import { replyWith } from './answer.js';
import { targetOf } from './edge.js';
import { formatId } from '../src/server/ids.js';
import { asEtcdError, sendEtcdError } from './etcd-responses.js';
import { readForm } from './form-body.js';
import { sendMethodNotAllowed } from './go-responses.js';
import { KEY_METHODS, parseKeyRequest } from './keys-request.js';
import type { KeyMethod, KeyRequest } from './keys-request.js';
import { KEYS_PREFIX, keyOfPath, metricMethodOf, runKeyRequest } from './keys-run.js';
import { ANY_METHOD } from './methods.js';
import { serveWatch } from './watch.js';

export interface KeysRouteOptions {
  service: MemberService;
  /** Largest form body read. */
  maxBodyBytes: number;
}

function isKeyMethod(method: string): method is KeyMethod {
  return (KEY_METHODS as readonly string[]).includes(method);
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
  const metricMethod = metricMethodOf(method, parsed);
  service.requestMetrics.received(metricMethod);
  if (parsed.request.wait) return serveWatch(reply, service, parsed.request, request.log);
  return replyWith(reply, await runKeyRequest(service, parsed, metricMethod, request.log));
}

export function keysRoutes(app: FastifyInstance, opts: KeysRouteOptions): void {
  for (const url of [KEYS_PREFIX, `${KEYS_PREFIX}/*`]) {
    app.route({ method: [...ANY_METHOD], url, handler: (request, reply) => serveKeys(opts, request, reply) });
  }
}
