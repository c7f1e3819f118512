// The worker's HTTP side: one undici keep-alive Pool per member (over https with a client
// certificate when given one), and the few etcd v2 key calls the jobs make.
import { Pool } from 'undici';
import { tlsConnectOptions, type ClientCertFiles } from './harness/client-fetch.js';

export interface V2Response {
  status: number;
  body: V2Body;
  /** X-Raft-Term: the term in which the member answered. */
  term: number;
}

export interface V2Node {
  key: string;
  value?: string;
  modifiedIndex: number;
  nodes?: V2Node[];
}

export interface V2Body {
  node?: V2Node;
  errorCode?: number;
  /** An error's detail: the key for a 4xx, what failed for a 5xx ("etcdserver: request timed out"). */
  cause?: string;
  index?: number;
}

/** An operation that did not succeed, named by what went wrong for the error tally. */
export class OpError extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

export function errorKind(err: unknown): string {
  if (err instanceof OpError) return err.kind;
  const e = err as { code?: string; name?: string };
  return e.code ?? e.name ?? String(err);
}

/** Throws unless the response is a 2xx; a server error's kind names its cause (a 4xx's cause is a key). */
export function ok(res: V2Response): V2Response {
  if (res.status < 300) return res;
  const { errorCode, cause } = res.body;
  throw new OpError(`http ${res.status}${errorCode ? ` code ${errorCode}` : ''}${res.status >= 500 && cause ? ` (${cause})` : ''}`);
}

export interface RequestOptions {
  /** No timeouts: a watch may wait as long as it takes. */
  longPoll?: boolean;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class V2Client {
  private readonly pools: Pool[];

  constructor(endpoints: string[], connectionsPerEndpoint: number, tls?: ClientCertFiles) {
    const connect = tls && tlsConnectOptions(tls);
    this.pools = endpoints.map((url) => new Pool(url, { connections: connectionsPerEndpoint, pipelining: 1, ...(connect && { connect }) }));
  }

  put(member: number, key: string, form: Record<string, string>, query: Record<string, string> = {}): Promise<V2Response> {
    return this.request(member, 'PUT', key, query, new URLSearchParams(form).toString());
  }

  /** A key with an in-order name created under `dir`. */
  post(member: number, dir: string, form: Record<string, string>): Promise<V2Response> {
    return this.request(member, 'POST', dir, {}, new URLSearchParams(form).toString());
  }

  get(member: number, key: string, query: Record<string, string> = {}, options: RequestOptions = {}): Promise<V2Response> {
    return this.request(member, 'GET', key, query, undefined, options);
  }

  private async request(member: number, method: 'GET' | 'PUT' | 'POST', key: string, query: Record<string, string>,
    form: string | undefined, options: RequestOptions = {}): Promise<V2Response> {
    const qs = new URLSearchParams(query).toString();
    const timeout = options.longPoll ? 0 : REQUEST_TIMEOUT_MS;
    const res = await this.pools[member % this.pools.length]!.request({
      method,
      // Each segment escaped: a raw space or '?' in a key would otherwise break the request line.
      path: `/v2/keys${key.split('/').map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`,
      headers: form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const body = (await res.body.json()) as V2Body;
    return { status: res.statusCode, body, term: Number(res.headers['x-raft-term'] ?? 0) };
  }

  async close(): Promise<void> {
    // destroy, not close: close would wait for pending long polls to be answered.
    await Promise.all(this.pools.map((p) => p.destroy()));
  }
}
