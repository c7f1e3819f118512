// etcd's httpproxy reverseProxy: one client request, forwarded whole to the first available member
// that takes it, its response passed back. The body is read first, so it can be sent again to the
// next member when one cannot be reached (that member is then left out for the failure wait).
// Hop-by-hop headers are dropped both ways and X-Forwarded-For gains the client's address. Once a
// member has answered, its response is the answer: it is streamed through as it comes (etcd's
// proxy holds small writes in a 4 KiB buffer, which stalls stream=true watches; raftkv passes each
// event on at once), and a member lost mid-answer ends it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoint } from '../../src/proxy/director.js';
import type { MemberDialer } from './member-dialer.js';

/** Removed when a request or response crosses the proxy (the list of Go's httputil.ReverseProxy). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade']);

/** Methods whose empty body Go still announces with Content-Length: 0. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface ForwardTargets {
  available(): Endpoint[];
  failed(endpoint: Endpoint): void;
}

export interface ForwardLog {
  warn(obj: object, msg: string): void;
}

/** Name, value pairs with the hop-by-hop headers (and any named in `drop`) left out. */
function endToEnd(raw: readonly string[], drop: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !drop.includes(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** As etcd's maybeSetForwardedFor: earlier values joined by ", ", then the client's address. */
function forwardedFor(req: IncomingMessage): string[] {
  const client = req.socket.remoteAddress;
  if (client === undefined) return [];
  const prior: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'x-forwarded-for') prior.push(req.rawHeaders[i + 1]);
  return ['X-Forwarded-For', [...prior, client].join(', ')];
}

/** etcd's httptypes.HTTPError, as the proxy writes it for its own failures. */
function sendProxyError(res: ServerResponse, preset: readonly string[], status: number, message: string): void {
  const body = JSON.stringify({ message: `httpproxy: ${message}` });
  res.writeHead(status, [...preset, 'Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body))]).end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface Forwarder {
  /**
   * Answers `req` through a member: `target` is the request target as the client sent it, `preset`
   * the headers the proxy itself adds first (CORS).
   */
  (req: IncomingMessage, res: ServerResponse, target: string, preset: readonly string[]): Promise<void>;
}

export function forwarder(targets: ForwardTargets, dial: MemberDialer, log: ForwardLog): Forwarder {
  return async (req, res, target, preset) => {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (!res.destroyed) sendProxyError(res, preset, 500, `failed to read request body: ${(err as Error).message}`);
      return;
    }
    const endpoints = targets.available();
    if (endpoints.length === 0) {
      log.warn({}, 'zero endpoints currently available');
      return sendProxyError(res, preset, 503, 'zero endpoints currently available');
    }
    // The body is sent whole, so its length is told afresh (the client may have sent it chunked).
    const headers = [...endToEnd(req.rawHeaders, ['x-forwarded-for', 'content-length']), ...forwardedFor(req)];
    if (body.length > 0 || BODY_METHODS.has(req.method ?? '')) headers.push('Content-Length', String(body.length));
    // The client hanging up cancels the member's request too (a watch stops there).
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let answer: IncomingMessage | undefined;
    for (const endpoint of endpoints) {
      try {
        answer = await dial(endpoint.url, { method: req.method ?? 'GET', path: target, headers, body, signal: abort.signal });
        break;
      } catch (err) {
        if (abort.signal.aborted) return;
        log.warn({ endpoint: endpoint.url, err: (err as Error).message }, 'failed to direct request');
        targets.failed(endpoint);
      }
    }
    if (!answer) {
      log.warn({}, `unable to get response from ${endpoints.length} endpoint(s)`);
      return sendProxyError(res, preset, 502, `unable to get response from ${endpoints.length} endpoint(s)`);
    }
    relay(answer, res, preset);
  };
}

function relay(answer: IncomingMessage, res: ServerResponse, preset: readonly string[]): void {
  const headers = [...preset, ...endToEnd(answer.rawHeaders)];
  // The member's Date is passed on; Node adds its own only when there is none.
  res.sendDate = answer.headers.date === undefined;
  res.writeHead(answer.statusCode ?? 502, headers);
  // Sent now, not with the first body bytes: a watch's client learns at once that it is registered.
  res.flushHeaders();
  const sized = answer.headers['content-length'] !== undefined;
  answer.on('data', (chunk: Buffer) => {
    if (res.write(chunk)) return;
    answer.pause();
    res.once('drain', () => answer.resume());
  });
  answer.once('end', () => res.end());
  // Cut short: a chunked answer ends cleanly as etcd's does; a sized one cannot, so the connection goes.
  answer.once('aborted', () => (sized ? res.destroy() : res.end()));
  answer.once('error', () => (sized ? res.destroy() : res.end()));
}
