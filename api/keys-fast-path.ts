// /v2/keys reads, watches and form writes answered straight from node's request event, before
// fastify: most of a read's cost was fastify's per-request objects, routing and reply pipeline.
// It takes only requests whose answer through the app is known to be the same bytes — a plain key
// path, auth off, a GET with no body, or a PUT with a form body of a declared size within the
// limit — and leaves every other request to the app, untouched. The parsing, the
// member's call, the counting and the answers are the app's own functions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemberService } from '../src/server/member-service.js';
import { formatId } from '../src/server/ids.js';
import { writeAnswer } from './answer.js';
import { keyAccessOf, keyAccessRefused } from './auth-access.js';
import type { Answer } from './answer.js';
import type { CorsPolicy } from './cors.js';
import { asEtcdError, etcdErrorAnswer } from './etcd-responses.js';
import { bodilessForm, ClientGoneError, readForm } from './form-body.js';
import type { ReadForm } from './form-body.js';
import { FORM_MEDIA_TYPE } from './form.js';
import { parseKeyRequest } from './keys-request.js';
import type { KeyRequest } from './keys-request.js';
import { KEYS_PREFIX, keyOfPath, metricMethodOf, runKeyRequest } from './keys-run.js';
import { parseRequestTarget } from './request-target.js';
import type { RequestTarget } from './request-target.js';
import { openWatch, startWatch } from './watch.js';

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
  /** The app's limit on a form body; a larger declared body is left to the app. */
  maxBodyBytes: number;
  log: { warn(obj: object, msg: string): void };
}

type Log = KeysFastPathOptions['log'];

/** Thrown where etcd would panic on an empty permission pattern: Go's server drops the connection unanswered. */
const DROP = new Error('connection dropped without an answer');

export function keysFastPath(service: MemberService, opts: KeysFastPathOptions): FastPath {
  return (req, res) => {
    const method = req.method;
    if ((method !== 'GET' && method !== 'PUT') || service.auth.enabled) return false;
    const url = req.url ?? '';
    if (!url.startsWith('/v2/keys/') || req.headers['transfer-encoding'] !== undefined) return false;
    const target = parseRequestTarget(url);
    if (target === undefined || !PLAIN_KEY_PATH.test(target.path)) return false;
    const length = req.headers['content-length'];
    if (method === 'GET') {
      // A GET's body is never read; whatever the app does with one is left to it.
      if (length !== undefined) return false;
      const parsed = parsedRead(target, req.headers['content-type']);
      if (parsed === undefined) return false;
      if (parsed.request.wait) watch(req, res, opts, service, parsed);
      else answer(req, res, opts, service, runParsed(service, 'GET', parsed, opts.log));
      return true;
    }
    if (req.headers['content-type'] !== FORM_MEDIA_TYPE || length === undefined || !/^\d{1,9}$/.test(length) || Number(length) > opts.maxBodyBytes) return false;
    const form = readForm({ raw: req, method, contentType: FORM_MEDIA_TYPE, rawQuery: target.rawQuery, maxBodyBytes: opts.maxBodyBytes });
    answer(req, res, opts, service, form.then((f) => runForm(service, req, target, f, opts.log)));
    return true;
  };
}

/** A read or watch the app would run as it is; undefined for a refusal, which the app answers. */
function parsedRead(target: RequestTarget, contentType: string | undefined): KeyRequest | undefined {
  const form = bodilessForm('GET', contentType, target.rawQuery);
  if (form === undefined || form.error !== undefined) return undefined;
  try {
    return parseKeyRequest({ method: 'GET', key: keyOfPath(target.path), form, now: Date.now() });
  } catch {
    return undefined;
  }
}

function watch(req: IncomingMessage, res: ServerResponse, opts: KeysFastPathOptions, service: MemberService, parsed: KeyRequest): void {
  service.requestMetrics.received(metricMethodOf('GET', parsed));
  const opened = openWatch(service, parsed.request, opts.log);
  const leading = leadingHeaders(req, opts, service);
  if ('status' in opened) writeAnswer(res, leading, opened);
  else startWatch(res, leading, service, opened);
}

/** A PUT's form, parsed, checked and run, or refused, as the app's route does. */
async function runForm(service: MemberService, req: IncomingMessage, target: RequestTarget, form: ReadForm, log: Log): Promise<Answer> {
  let parsed: KeyRequest;
  try {
    parsed = parseKeyRequest({ method: 'PUT', key: keyOfPath(target.path), form, now: Date.now() });
  } catch (err) {
    return etcdErrorAnswer(asEtcdError(err));
  }
  // Auth was off when the request came; if it was turned on while the body was read, the write is
  // checked as the route checks it after reading a body.
  if (service.auth.enabled) {
    const access = await keyAccessOf(service.auth, req, target.path.slice(KEYS_PREFIX.length), parsed.request.recursive === true);
    if (access === 'drop') throw DROP;
    if (access === 'refused') return etcdErrorAnswer(keyAccessRefused());
  }
  return runParsed(service, 'PUT', parsed, log);
}

function runParsed(service: MemberService, method: string, parsed: KeyRequest, log: Log): Promise<Answer> {
  const metricMethod = metricMethodOf(method, parsed);
  service.requestMetrics.received(metricMethod);
  return runKeyRequest(service, parsed, metricMethod, log);
}

/** Writes the answer after the headers the app's edge and route set first. */
function answer(req: IncomingMessage, res: ServerResponse, opts: KeysFastPathOptions, service: MemberService, pending: Promise<Answer>): void {
  const leading = leadingHeaders(req, opts, service);
  pending
    .then((a) => writeAnswer(res, leading, a))
    .catch((err: unknown) => {
      // A client gone before its whole body came has nobody to answer (the app hijacks the reply);
      // one refused by an empty permission pattern gets no answer either, as from etcd.
      if (!(err instanceof ClientGoneError) && err !== DROP) opts.log.warn({ err }, 'could not answer a v2 request');
      res.destroy();
    });
}

/** The CORS headers as a flat list of lower-case names and values, by the policy's header object. */
const corsLists = new WeakMap<object, readonly string[]>();

/** The headers the app's edge (CORS) and route (cluster id) set before its answer's own. */
function leadingHeaders(req: IncomingMessage, opts: KeysFastPathOptions, service: MemberService): string[] {
  const cors = opts.cors(req);
  if (cors === undefined) return ['x-etcd-cluster-id', formatId(service.clusterId)];
  let list = corsLists.get(cors);
  if (list === undefined) {
    list = Object.entries(cors).flatMap(([name, value]) => [name.toLowerCase(), value]);
    corsLists.set(cors, list);
  }
  return [...list, 'x-etcd-cluster-id', formatId(service.clusterId)];
}
