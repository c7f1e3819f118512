// What the fastify route and the fast path share for /v2/keys: the key a path names, and a
// parsed, authorized request run by the member, counted and answered as etcd does.
import type { MemberService } from '../src/server/member-service.js';
import { EtcdError } from '../src/store/types.js';
import type { StoreEvent } from '../src/store/types.js';
import type { Answer } from './answer.js';
import { asEtcdError, etcdErrorAnswer } from './etcd-responses.js';
import { createdNode, encodeEvent } from './event-json.js';
import { decodeGoUtf8 } from './go-utf8.js';
import { bytesOf } from './go-url.js';
import type { KeyRequest } from './keys-request.js';
import { cleanPath } from './request-target.js';

export const KEYS_PREFIX = '/v2/keys';

/** The key a /v2/keys path names, as etcd's path.Join makes it: rooted, clean, no trailing slash. */
export function keyOfPath(bytePath: string): string {
  return decodeGoUtf8(bytesOf(cleanPath('/' + bytePath.slice(KEYS_PREFIX.length))));
}

/** etcd counts a request once parsed and authorized, a quorum read under QGET. */
export function metricMethodOf(method: string, parsed: KeyRequest): string {
  return method === 'GET' && parsed.request.quorum ? 'QGET' : method;
}

function eventAnswer(service: MemberService, ev: StoreEvent, noValueOnSuccess: boolean): Answer {
  const { raftIndex, raftTerm } = service.indexes();
  return {
    status: createdNode(ev) ? 201 : 200,
    headers: ['content-type', 'application/json', 'x-etcd-index', String(ev.etcdIndex), 'x-raft-index', String(raftIndex), 'x-raft-term', String(raftTerm)],
    body: encodeEvent(ev, noValueOnSuccess),
  };
}

/** Runs a request that is not a watch (already counted as received) and says how etcd answers it. */
export async function runKeyRequest(service: MemberService, parsed: KeyRequest, metricMethod: string,
  log: { warn(obj: object, msg: string): void }): Promise<Answer> {
  const startedAt = performance.now();
  try {
    const answer = eventAnswer(service, await service.handle(parsed.request), parsed.noValueOnSuccess);
    service.requestMetrics.succeeded(metricMethod, (performance.now() - startedAt) / 1000);
    return answer;
  } catch (err) {
    if (!(err instanceof EtcdError)) log.warn({ err }, 'v2 request failed');
    const etcdError = asEtcdError(err);
    service.requestMetrics.failed(metricMethod, etcdError.status);
    return etcdErrorAnswer(etcdError);
  }
}
