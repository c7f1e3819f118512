// Default and quorum reads of /v2/keys answered straight from node's request event, before
// fastify: most of a read's cost was fastify's per-request objects, routing and reply pipeline.
// It takes only GETs whose answer through the app is known to be the same bytes (a plain key path,
// no body, auth off, not a watch) and leaves every other request to the app, untouched. The
// parsing, the member's call, the counting and the answer are the app's own functions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemberService } from '../src/server/member-service.js';
import { formatId } from '../src/server/ids.js';
import { writeAnswer } from './answer.js';
import type { CorsPolicy } from './cors.js';
import { bodilessForm } from './form-body.js';
import { parseKeyRequest } from './keys-request.js';
import type { KeyRequest } from './keys-request.js';
import { keyOfPath, metricMethodOf, runKeyRequest } from './keys-run.js';
import { parseRequestTarget } from './request-target.js';

/** Serves the request and returns true, or returns false having touched nothing. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * A path (unescaped, as the app reads it too) the app would route to /v2/keys/* unchanged:
 * segments of plain characters, none empty, `.` or `..` (the mux would redirect those), no
 * trailing slash.
 */
const PLAIN_KEY_PATH = /^\/v2\/keys(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_.~-]+)+$/;

export interface KeysFastPathOptions {
  cors: CorsPolicy;
  log: { warn(obj: object, msg: string): void };
}

export function keysFastPath(service: MemberService, opts: KeysFastPathOptions): FastPath {
  return (req, res) => {
    if (req.method !== 'GET' || service.auth.enabled) return false;
    // A GET's body is never read; whatever the app does with one is left to the app.
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
    const url = req.url ?? '';
    if (!url.startsWith('/v2/keys/')) return false;
    const target = parseRequestTarget(url);
    if (target === undefined || !PLAIN_KEY_PATH.test(target.path)) return false;
    const form = bodilessForm('GET', req.headers['content-type'], target.rawQuery);
    if (form === undefined || form.error !== undefined) return false;
    let parsed: KeyRequest;
    try {
      parsed = parseKeyRequest({ method: 'GET', key: keyOfPath(target.path), form, now: Date.now() });
    } catch {
      return false; // the app answers with the refusal
    }
    if (parsed.request.wait) return false;
    const metricMethod = metricMethodOf('GET', parsed);
    service.requestMetrics.received(metricMethod);
    const leading = corsHeaderList(opts.cors(req));
    leading.push('x-etcd-cluster-id', formatId(service.clusterId));
    runKeyRequest(service, parsed, metricMethod, opts.log)
      .then((answer) => writeAnswer(res, leading, answer))
      .catch((err: unknown) => {
        opts.log.warn({ err }, 'could not answer a v2 read');
        res.destroy();
      });
    return true;
  };
}

function corsHeaderList(headers: Readonly<Record<string, string>> | undefined): string[] {
  const list: string[] = [];
  if (headers !== undefined) for (const [name, value] of Object.entries(headers)) list.push(name.toLowerCase(), value);
  return list;
}
