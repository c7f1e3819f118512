// How a proxy sends one request to a member: etcd's timeout transport. The connection must be up
// within the dial timeout, the request written within the write timeout, and (when set) no read
// may wait longer than the read timeout; 0 turns the last two off. As etcd with either timeout set,
// a connection serves one request and is not kept: a timed-out one must never be reused.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SecureContextOptions } from 'node:tls';

export interface DialTimeouts {
  dialMs: number;
  writeMs: number;
  readMs: number;
}

export interface MemberRequest {
  method: string;
  /** The request target as the client sent it. */
  path: string;
  /** Name, value, name, value…: duplicates and case kept. */
  headers: string[];
  body: Buffer;
  signal: AbortSignal;
}

/** Sends a request to the member at `baseUrl`; resolves with its response head, rejects if none came. */
export type MemberDialer = (baseUrl: string, req: MemberRequest) => Promise<IncomingMessage>;

export interface DialerOptions {
  timeouts: DialTimeouts;
  /** Certificates for https members (etcd: the client TLS flags, else the peer ones). */
  tls?: () => SecureContextOptions;
  /** etcd's auto TLS: the member's certificate is not verified. */
  insecureSkipVerify?: boolean;
}

export function memberDialer(opts: DialerOptions): MemberDialer {
  const { dialMs, writeMs, readMs } = opts.timeouts;
  const keep = writeMs === 0 && readMs === 0;
  const agents = { http: new HttpAgent({ keepAlive: keep }), https: new HttpsAgent({ keepAlive: keep }) };
  return (baseUrl, req) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const url = new URL(baseUrl);
      const secure = url.protocol === 'https:';
      const common = { host: url.hostname, port: url.port || (secure ? 443 : 80), method: req.method, path: req.path, headers: req.headers, signal: req.signal };
      const out: ClientRequest = secure
        ? httpsRequest({ ...common, agent: agents.https, ...(opts.tls?.() ?? {}), rejectUnauthorized: !opts.insecureSkipVerify })
        : httpRequest({ ...common, agent: agents.http });
      const fail = (why: string): void => void out.destroy(new Error(why));
      out.once('socket', (socket) => {
        if (readMs > 0) socket.setTimeout(readMs, () => fail(`i/o timeout (read, ${readMs} ms)`));
        if (!socket.connecting) return;
        const dial = setTimeout(() => fail(`dial tcp ${url.host}: i/o timeout`), dialMs);
        socket.once('connect', () => clearTimeout(dial));
        socket.once('close', () => clearTimeout(dial));
      });
      if (writeMs > 0) {
        const write = setTimeout(() => fail(`i/o timeout (write, ${writeMs} ms)`), writeMs);
        out.once('finish', () => clearTimeout(write));
        out.once('close', () => clearTimeout(write));
      }
      out.once('response', resolve);
      out.once('error', reject);
      out.end(req.body.length > 0 ? req.body : undefined);
    });
}
