// The /v2/keys read fast path against the app it stands in front of: every request, taken or
// not, must get the same status, headers (in order) and body over a socket to the member's server
// (fast path, then fastify) as over a socket to fastify alone. Requests are generated around the
// edges of what the fast path takes: dot segments, escapes, empty segments, trailing slashes,
// every read parameter with good and bad values, Origin headers, bodies, auth, failures.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { exchange } from './raw-http.js';
import type { RawRequest, RawResponse } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

const ALLOWED_ORIGIN = 'http://a.example:8080';
const PLAIN_SEGMENTS = ['a', 'dir', 'y', 'z', '10.0.0.5', 'a.b', '~t', 'nope', 'A-Z_9'];
const ODD_SEGMENTS = ['.', '..', '', '%2F', 'a%20b', '%61', '.hidden', 'a..b'];
const PARAMS = ['recursive=true', 'recursive=false', 'recursive=maybe', 'sorted=true', 'sorted=1', 'quorum=true', 'quorum=false',
  'quorum=yes', 'dir=true', 'wait=false', 'stream=true', 'waitIndex=x', 'prevExist=false', 'foo=bar',
  '%zz', 'a;b', 'quorum=true&quorum=false', 'recursive=true&sorted=true'];

interface Served {
  member: StoreMember;
  app: FastifyInstance;
  /** The member's own server: the fast path, then fastify. */
  port: number;
  /** A server handing every request straight to fastify. */
  slowPort: number;
  slow: Server;
  /** Requests that reached fastify through the member's server. */
  reachedApp: number;
}

async function serve(cors?: string[]): Promise<Served> {
  const member = new StoreMember();
  const app = buildApp(member, { version: '3.4.23', ...(cors && { cors }) });
  const served = { member, app, port: 0, slowPort: 0, reachedApp: 0 } as Served;
  // onRequest misses what the edge hook answers before it (400, 301, OPTIONS) and onSend what
  // is written to the socket directly (watches): either one counts, once.
  const seen = new WeakSet<object>();
  const count = (raw: { socket: { localPort?: number } }): void => {
    if (raw.socket.localPort !== served.port || seen.has(raw)) return;
    seen.add(raw);
    served.reachedApp++;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    count(request.raw);
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    count(request.raw);
    done(null, payload);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  served.port = (app.server.address() as AddressInfo).port;
  served.slow = createServer(app.routing);
  await new Promise<void>((resolve) => served.slow.listen(0, '127.0.0.1', resolve));
  served.slowPort = (served.slow.address() as AddressInfo).port;
  for (const [key, value] of [['/a', '1'], ['/a.b', '2'], ['/10.0.0.5', 'server 10.0.0.5:3000;'], ['/dir/y', 'y'], ['/dir/z/a', 'deep'], ['/~t', 't']]) {
    await app.inject({ method: 'PUT', url: `/v2/keys${key}`, payload: `value=${encodeURIComponent(value!)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  return served;
}

async function close(s: Served): Promise<void> {
  await new Promise<void>((resolve) => s.slow.close(() => resolve()));
  await s.app.close();
}

/** Node's own connection headers and the date differ between two answers; everything else must not. */
function comparable(res: RawResponse): RawResponse {
  return { ...res, headers: res.headers.filter(([name]) => name !== 'date' && name !== 'connection' && name !== 'keep-alive') };
}

async function bothWays(s: Served, req: RawRequest): Promise<{ fast: RawResponse; slow: RawResponse; taken: boolean }> {
  const before = s.reachedApp;
  const fast = comparable(await exchange(s.port, req));
  const taken = s.reachedApp === before;
  const slow = comparable(await exchange(s.slowPort, req));
  return { fast, slow, taken };
}

/** Mostly requests the fast path takes, with one odd part or another often enough. */
const request = fc.record({
  segments: fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PLAIN_SEGMENTS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }), { minLength: 1, maxLength: 3 }),
  trailingSlash: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
  params: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.subarray(PARAMS, { maxLength: 3 }) }),
  origin: fc.option(fc.constantFrom(ALLOWED_ORIGIN, 'http://elsewhere.example'), { nil: undefined }),
  body: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('value=9', '') }),
  // Methods that change nothing, so that both answers describe the same state.
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS') }),
});

function rawRequest(r: typeof request extends fc.Arbitrary<infer T> ? T : never): RawRequest {
  const path = '/v2/keys/' + r.segments.join('/') + (r.trailingSlash ? '/' : '');
  const query = r.params.length > 0 ? '?' + r.params.join('&') : '';
  return {
    method: r.method,
    target: path + query,
    ...(r.body !== undefined && { body: r.body, contentType: 'application/x-www-form-urlencoded' }),
    ...(r.origin !== undefined && { headers: [['Origin', r.origin]] as [string, string][] }),
  };
}

describe.each([
  ['every origin allowed (the default --cors)', undefined],
  ['--cors naming one origin', [ALLOWED_ORIGIN]],
])('the /v2/keys read fast path, %s', (_name, cors) => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(cors);
  });
  afterAll(() => close(s));

  it('leaves writes to fastify', async () => {
    const before = s.reachedApp;
    const put = await exchange(s.port, { method: 'PUT', target: '/v2/keys/b', body: 'value=1', contentType: 'application/x-www-form-urlencoded' });
    expect(put.status).toBe(201);
    expect(s.reachedApp).toBe(before + 1);
  });

  it('answers a plain read, a missing key, a directory, a quorum read and an escaped name itself, as fastify would', async () => {
    for (const target of ['/v2/keys/a', '/v2/keys/nope', '/v2/keys/dir?recursive=true&sorted=true', '/v2/keys/10.0.0.5?quorum=true', '/v2/keys/%61']) {
      const { fast, slow, taken } = await bothWays(s, { method: 'GET', target, headers: [['Origin', ALLOWED_ORIGIN]] });
      expect(fast, target).toEqual(slow);
      expect(taken, `${target} should not reach fastify`).toBe(true);
    }
  });

  it('leaves watches, writes, dot segments, escapes and bad parameters to fastify', async () => {
    const cases: RawRequest[] = [
      { method: 'GET', target: '/v2/keys/a?wait=true&waitIndex=1' },
      { method: 'GET', target: '/v2/keys/dir/../a' },
      { method: 'GET', target: '/v2/keys/a/' },
      { method: 'GET', target: '/v2/keys/a?recursive=maybe' },
      { method: 'GET', target: '/v2/keys/a', body: 'value=1', contentType: 'application/x-www-form-urlencoded' },
    ];
    for (const req of cases) {
      const { fast, slow, taken } = await bothWays(s, req);
      expect(fast, req.target).toEqual(slow);
      expect(taken, `${req.method} ${req.target} should reach fastify`).toBe(false);
    }
  });

  it('gives every generated request the answer fastify gives it', async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const both = await bothWays(s, rawRequest(r));
        expect(both.fast).toEqual(both.slow);
        if (both.taken) taken++;
      }),
      { numRuns: 300 },
    );
    // Guards the property against a fast path that never runs.
    expect(taken).toBeGreaterThan(60);
  });

  it('leaves every request to fastify while auth is on, and answers a failed member as fastify does', async () => {
    s.member.failure = new Error('leader lost');
    try {
      const { fast, slow, taken } = await bothWays(s, { method: 'GET', target: '/v2/keys/a' });
      expect(taken).toBe(true);
      expect(fast.status).toBe(500);
      expect(fast).toEqual(slow);
    } finally {
      s.member.failure = undefined;
    }
    const root = { headers: { authorization: 'Basic ' + Buffer.from('root:rootpw').toString('base64'), 'content-type': 'application/json' } };
    expect((await s.app.inject({ method: 'PUT', url: '/v2/auth/users/root', payload: JSON.stringify({ user: 'root', password: 'rootpw' }), ...root })).statusCode).toBe(201);
    expect((await s.app.inject({ method: 'PUT', url: '/v2/auth/enable', ...root })).statusCode).toBe(200);
    try {
      const { fast, slow, taken } = await bothWays(s, { method: 'GET', target: '/v2/keys/a' });
      expect(taken).toBe(false);
      expect(fast).toEqual(slow);
    } finally {
      await s.app.inject({ method: 'DELETE', url: '/v2/auth/enable', ...root });
    }
  });
});
