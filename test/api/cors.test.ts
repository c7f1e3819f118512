// --cors over a real socket, against the headers etcd 3.4.23 sent when started with
// `--cors http://a.example:8080,http://b.example:9090` (and with no --cors, which means `*`).
// etcd takes the origins as URLs with a port (`--cors http://a.example` fails to start), compares
// the request's first Origin header with them byte for byte, and never refuses the request itself.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../api/app.js';
import { normalizeHeaders } from './etcd-case.js';
import { exchange } from './raw-http.js';
import type { RawRequest } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

const ALLOWED = ['http://a.example:8080', 'http://b.example:9090'];

const CORS_FOR = (origin: string) => ({
  'access-control-allow-headers': 'accept, content-type, authorization',
  'access-control-allow-methods': 'POST, GET, OPTIONS, PUT, DELETE',
  'access-control-allow-origin': origin,
});
/** What etcd answered to GET /v2/keys/ besides CORS headers (indexes as placeholders). */
const KEYS_ROOT = { 'content-type': 'application/json', 'x-etcd-cluster-id': '<cluster-id>', 'x-etcd-index': '<index>', 'x-raft-index': '<number>', 'x-raft-term': '<number>' };
const VERSION = { 'content-type': 'application/json' };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(member: StoreMember, cors?: string[]): Promise<number> {
  app = buildApp(member, { maxBodyBytes: 1 << 20, version: '3.4.23', ...(cors && { cors }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

function origins(...values: string[]): [string, string][] {
  return values.map((v) => ['Origin', v]);
}

/** Status, headers as etcd-case normalizes them with X-Etcd-Index made a placeholder, and body. */
async function ask(port: number, req: RawRequest) {
  const res = await exchange(port, req);
  const headers = normalizeHeaders(res.headers, 0);
  if ('x-etcd-index' in headers) headers['x-etcd-index'] = '<index>';
  return { status: res.status, headers, body: res.body };
}

describe('--cors with a list of origins', () => {
  it('a listed origin is echoed with the methods and headers etcd allows', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    const res = await ask(port, { method: 'GET', target: '/v2/keys/', headers: origins('http://a.example:8080') });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ ...CORS_FOR('http://a.example:8080'), ...KEYS_ROOT });
  });

  it('an origin not listed gets no CORS header at all, and its request is still answered', async () => {
    const member = new StoreMember();
    const port = await serve(member, ALLOWED);
    const res = await ask(port, { method: 'PUT', target: '/v2/keys/w', contentType: 'application/x-www-form-urlencoded', body: 'value=1', headers: origins('http://c.example:9090') });
    expect(res.status).toBe(201);
    expect(res.headers).toEqual(KEYS_ROOT);
    expect(member.store.get('/w', {}, Date.now()).node.value).toBe('1');
  });

  it('a request without an Origin header, or with an empty one, gets no CORS header', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    expect((await ask(port, { method: 'GET', target: '/version' })).headers).toEqual(VERSION);
    expect((await ask(port, { method: 'GET', target: '/version', headers: origins('') })).headers).toEqual(VERSION);
  });

  it('origins are compared byte for byte: no default port, trailing slash or case folding', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    for (const near of ['http://a.example', 'http://a.example:8080/', 'HTTP://a.example:8080', 'http://A.example:8080', 'https://a.example:8080']) {
      expect((await ask(port, { method: 'GET', target: '/version', headers: origins(near) })).headers, near).toEqual(VERSION);
    }
  });

  it('only the first of several Origin headers counts, as Go reads a header', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    const first = await ask(port, { method: 'GET', target: '/version', headers: origins('http://a.example:8080', 'http://c.example:1') });
    expect(first.headers).toEqual({ ...CORS_FOR('http://a.example:8080'), ...VERSION });
    const second = await ask(port, { method: 'GET', target: '/version', headers: origins('http://c.example:1', 'http://a.example:8080') });
    expect(second.headers).toEqual(VERSION);
  });

  it('OPTIONS is answered 200 with an empty body on any path, with CORS headers only for a listed origin', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    const allowed = await ask(port, { method: 'OPTIONS', target: '/nowhere', headers: [...origins('http://a.example:8080'), ['Access-Control-Request-Method', 'PUT']] });
    expect(allowed).toEqual({ status: 200, headers: CORS_FOR('http://a.example:8080'), body: '' });
    const refused = await ask(port, { method: 'OPTIONS', target: '/v2/keys/foo', headers: origins('http://c.example') });
    expect(refused).toEqual({ status: 200, headers: {}, body: '' });
    expect(await ask(port, { method: 'OPTIONS', target: '/v2/keys/foo' })).toEqual({ status: 200, headers: {}, body: '' });
  });

  it('errors, redirects and refused methods carry the CORS headers of a listed origin too', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    const b = origins('http://b.example:9090');
    const missing = await ask(port, { method: 'GET', target: '/v2/keys/nokey', headers: b });
    expect(missing.status).toBe(404);
    expect(missing.headers).toEqual({ ...CORS_FOR('http://b.example:9090'), 'content-type': 'application/json', 'x-etcd-cluster-id': '<cluster-id>', 'x-etcd-index': '<index>' });
    const redirect = await ask(port, { method: 'GET', target: '//v2/keys/x', headers: b });
    expect(redirect.status).toBe(301);
    expect(redirect.headers).toEqual({ ...CORS_FOR('http://b.example:9090'), 'content-type': 'text/html; charset=utf-8', location: '/v2/keys/x' });
    const patch = await ask(port, { method: 'PATCH', target: '/v2/keys/w', headers: origins('http://a.example:8080') });
    expect(patch.status).toBe(405);
    expect(patch.headers).toEqual({
      ...CORS_FOR('http://a.example:8080'),
      allow: 'HEAD,GET,PUT,POST,DELETE',
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
  });

  it('a watch flushes the CORS headers of a listed origin with its own', async () => {
    const port = await serve(new StoreMember(), ALLOWED);
    const res = await exchange(port, { method: 'GET', target: '/v2/keys/w?wait=true', headers: origins('http://a.example:8080') }, 300);
    const headers = normalizeHeaders(res.headers, 0);
    expect(headers).toEqual({ ...CORS_FOR('http://a.example:8080'), ...KEYS_ROOT, 'x-etcd-index': '0' });
  });
});

describe('--cors allowing every origin', () => {
  it('by default every request gets Access-Control-Allow-Origin: *, with an Origin header or without', async () => {
    const port = await serve(new StoreMember());
    expect((await ask(port, { method: 'GET', target: '/version' })).headers).toEqual({ ...CORS_FOR('*'), ...VERSION });
    expect((await ask(port, { method: 'GET', target: '/version', headers: origins('http://c.example') })).headers).toEqual({ ...CORS_FOR('*'), ...VERSION });
    expect(await ask(port, { method: 'OPTIONS', target: '/v2/keys/a' })).toEqual({ status: 200, headers: CORS_FOR('*'), body: '' });
  });

  it('`*` among listed origins, or no origins at all, allows every origin as `*`, not echoed', async () => {
    for (const cors of [['http://a.example:8080', '*'], []]) {
      const port = await serve(new StoreMember(), cors);
      expect((await ask(port, { method: 'GET', target: '/version', headers: origins('http://a.example:8080') })).headers, String(cors)).toEqual({ ...CORS_FOR('*'), ...VERSION });
      await app!.close();
      app = undefined;
    }
  });
});
