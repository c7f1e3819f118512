// The /v2/keys fast path against the app it stands in front of. Two members start alike: one
// behind its own server (the fast path, then fastify), one behind a server that hands every
// request straight to fastify. Every request goes to both, in the same order, and must get the
// same status, headers (in order) and body from each, whether the fast path took it or not. A
// watch that is still open when the test stops reading is compared by what arrived by then.
// Requests are generated around the edges of what the fast path takes: dot segments, escapes,
// empty segments, trailing slashes, every parameter with good and bad values, form bodies and
// other bodies, Origin headers, auth, a failing member.
import { createServer } from 'node:http';
import net from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { exchange } from './raw-http.js';
import type { RawRequest, RawResponse } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

const FORM = 'application/x-www-form-urlencoded';
const MAX_BODY = 4096;
const ALLOWED_ORIGIN = 'http://a.example:8080';
const PLAIN_SEGMENTS = ['a', 'dir', 'y', 'z', '10.0.0.5', 'a.b', '~t', 'nope', 'A-Z_9'];
const ODD_SEGMENTS = ['.', '..', '', '%2F', 'a%20b', '%61', '.hidden', 'a..b'];
const READ_PARAMS = ['recursive=true', 'recursive=false', 'recursive=maybe', 'sorted=true', 'sorted=1', 'quorum=true', 'quorum=false',
  'quorum=yes', 'dir=true', 'wait=false', 'stream=true', 'waitIndex=x', 'prevExist=false', 'foo=bar', '%zz', 'a;b',
  'quorum=true&quorum=false', 'recursive=true&sorted=true', 'wait=true&waitIndex=1', 'wait=true&stream=true&waitIndex=2'];
// No valid ttl: an expiration is written from each member's own clock.
const WRITE_PARAMS = ['value=v1', 'value=v%202', 'value=', 'dir=true', 'prevExist=true', 'prevExist=false', 'prevExist=no',
  'prevValue=v1', 'prevValue=', 'prevIndex=3', 'prevIndex=x', 'ttl=x', 'refresh=true', 'wait=true', 'noValueOnSuccess=true',
  'recursive=true', '%zz', 'a;b'];
const SEEDS: [string, string][] = [['/a', '1'], ['/a.b', '2'], ['/10.0.0.5', 'server 10.0.0.5:3000;'], ['/dir/y', 'y'], ['/dir/z/a', 'deep'], ['/~t', 't']];

interface Side {
  member: StoreMember;
  app: FastifyInstance;
  port: number;
}

interface Pair {
  fast: Side;
  slow: Side & { server: Server };
  /** Requests to the fast side that reached fastify. */
  reachedApp: number;
}

async function side(cors: string[] | undefined): Promise<{ member: StoreMember; app: FastifyInstance }> {
  const member = new StoreMember();
  const app = buildApp(member, { version: '3.4.23', maxBodyBytes: MAX_BODY, ...(cors && { cors }) });
  return { member, app };
}

async function seed(app: FastifyInstance): Promise<void> {
  for (const [key, value] of SEEDS) {
    await app.inject({ method: 'PUT', url: `/v2/keys${key}`, payload: `value=${encodeURIComponent(value)}`, headers: { 'content-type': FORM } });
  }
}

async function pair(cors?: string[]): Promise<Pair> {
  const fast = await side(cors);
  const slow = await side(cors);
  const p = { reachedApp: 0 } as Pair;
  // onRequest misses what the edge hook answers before it (400, 301, OPTIONS) and onSend what
  // is written to the socket directly (watches): either one counts, once. Injected requests
  // (the test's own setup) do not.
  const seen = new WeakSet<object>();
  const count = (raw: { socket: { localPort?: number } }): void => {
    if (raw.socket.localPort !== p.fast?.port || seen.has(raw)) return;
    seen.add(raw);
    p.reachedApp++;
  };
  fast.app.addHook('onRequest', (request, _reply, done) => {
    count(request.raw);
    done();
  });
  fast.app.addHook('onSend', (request, _reply, payload, done) => {
    count(request.raw);
    done(null, payload);
  });
  await fast.app.listen({ port: 0, host: '127.0.0.1' });
  await slow.app.ready();
  const server = createServer(slow.app.routing);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await seed(fast.app);
  await seed(slow.app);
  p.fast = { ...fast, port: (fast.app.server.address() as AddressInfo).port };
  p.slow = { ...slow, server, port: (server.address() as AddressInfo).port };
  p.reachedApp = 0;
  return p;
}

async function close(p: Pair): Promise<void> {
  await new Promise<void>((resolve) => p.slow.server.close(() => resolve()));
  await p.slow.app.close();
  await p.fast.app.close();
}

/** Node's own connection headers and the date differ between two answers; everything else must not. */
function comparable(res: RawResponse): RawResponse {
  return { ...res, headers: res.headers.filter(([name]) => name !== 'date' && name !== 'connection' && name !== 'keep-alive') };
}

/** Long enough for any answer here but a watch still waiting for its event. */
const READ_MS = 150;

async function bothWays(p: Pair, req: RawRequest): Promise<{ fast: RawResponse; slow: RawResponse; taken: boolean }> {
  const before = p.reachedApp;
  const fast = comparable(await exchange(p.fast.port, req, READ_MS));
  const taken = p.reachedApp === before;
  const slow = comparable(await exchange(p.slow.port, req, READ_MS));
  return { fast, slow, taken };
}

const path = fc.record({
  segments: fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PLAIN_SEGMENTS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }), { minLength: 1, maxLength: 3 }),
  trailingSlash: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
}).map(({ segments, trailingSlash }) => '/v2/keys/' + segments.join('/') + (trailingSlash ? '/' : ''));

const query = (params: string[]) => fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 3, arbitrary: fc.subarray(params, { minLength: 1, maxLength: 3 }).map((p) => '?' + p.join('&')) });
const origin = fc.option(fc.constantFrom(ALLOWED_ORIGIN, 'http://elsewhere.example'), { nil: undefined });

/** Mostly requests the fast path takes, with one odd part or another often enough. */
const read = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS') }),
  path,
  query: query(READ_PARAMS),
  origin,
  body: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('value=9', '') }),
});

const write = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('PUT') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'DELETE') }),
  path,
  query: query(WRITE_PARAMS),
  origin,
  body: fc.subarray(WRITE_PARAMS, { maxLength: 3 }).map((p) => p.join('&')),
  contentType: fc.oneof({ weight: 8, arbitrary: fc.constant(FORM) }, { weight: 1, arbitrary: fc.constantFrom(`${FORM}; charset=utf-8`, 'text/plain', 'application/json') }),
  oversized: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

type Read = typeof read extends fc.Arbitrary<infer T> ? T : never;
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

function rawRequest(r: Read | Write): RawRequest {
  const body = 'oversized' in r && r.oversized ? `value=${'x'.repeat(MAX_BODY)}` : r.body;
  const contentType = 'contentType' in r ? r.contentType : FORM;
  return {
    method: r.method,
    target: r.path + r.query,
    ...(body !== undefined && { body, contentType }),
    ...(r.origin !== undefined && { headers: [['Origin', r.origin]] as [string, string][] }),
  };
}

describe.each([
  ['every origin allowed (the default --cors)', undefined],
  ['--cors naming one origin', [ALLOWED_ORIGIN]],
])('the /v2/keys fast path, %s', (_name, cors) => {
  let p: Pair;
  beforeAll(async () => {
    p = await pair(cors);
  });
  afterAll(() => close(p));

  it('answers plain reads and form writes itself, as fastify would', async () => {
    const cases: RawRequest[] = [
      { method: 'GET', target: '/v2/keys/a', headers: [['Origin', ALLOWED_ORIGIN]] },
      { method: 'GET', target: '/v2/keys/nope' },
      { method: 'GET', target: '/v2/keys/dir?recursive=true&sorted=true' },
      { method: 'GET', target: '/v2/keys/10.0.0.5?quorum=true' },
      { method: 'GET', target: '/v2/keys/%61' },
      { method: 'GET', target: '/v2/keys/a?wait=true&waitIndex=1' },
      { method: 'GET', target: '/v2/keys/dir?wait=true&recursive=true&waitIndex=1' },
      { method: 'PUT', target: '/v2/keys/services/web/10.0.0.5', body: 'value=server%2010.0.0.5%3A3000%3B', contentType: FORM },
      { method: 'PUT', target: '/v2/keys/a?prevValue=1', body: 'value=2', contentType: FORM },
      { method: 'PUT', target: '/v2/keys/a?prevIndex=1', body: 'value=3', contentType: FORM },
      { method: 'PUT', target: '/v2/keys/a', body: 'value=4&prevExist=maybe', contentType: FORM },
      { method: 'PUT', target: '/v2/keys/a', body: 'value=5&wait=true', contentType: FORM },
    ];
    for (const req of cases) {
      const { fast, slow, taken } = await bothWays(p, req);
      expect(fast, `${req.method} ${req.target}`).toEqual(slow);
      expect(taken, `${req.method} ${req.target} should not reach fastify`).toBe(true);
    }
  });

  it('serves a waiting long poll and a stream the events that come, as fastify does', async () => {
    const before = p.reachedApp;
    const watch = (side: Side, target: string, readMs: number) => exchange(side.port, { method: 'GET', target }, readMs);
    const watches = [p.fast, p.slow].map((side) => [watch(side, '/v2/keys/w?wait=true', 2000), watch(side, '/v2/keys/s?wait=true&stream=true', 600)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const { app } of [p.fast, p.slow]) {
      for (const url of ['/v2/keys/w', '/v2/keys/s', '/v2/keys/s']) await app.inject({ method: 'PUT', url, payload: 'value=1', headers: { 'content-type': FORM } });
    }
    const [fast, slow] = await Promise.all(watches.map((w) => Promise.all(w)));
    expect(fast!.map(comparable)).toEqual(slow!.map(comparable));
    expect(fast![0]!.body).toContain('"action":"set"');
    expect(fast![1]!.body.match(/"action":"set"/g)).toHaveLength(2);
    expect(p.reachedApp).toBe(before);
  });

  it('leaves dot segments, bodies it does not read and bad read parameters to fastify', async () => {
    const cases: RawRequest[] = [
      { method: 'GET', target: '/v2/keys/dir/../a' },
      { method: 'GET', target: '/v2/keys/a/' },
      { method: 'GET', target: '/v2/keys/a?recursive=maybe' },
      { method: 'GET', target: '/v2/keys/a?wait=true&waitIndex=x' },
      { method: 'GET', target: '/v2/keys/a', body: 'value=1', contentType: FORM },
      { method: 'PUT', target: '/v2/keys/b', body: 'value=1', contentType: 'text/plain' },
      { method: 'PUT', target: '/v2/keys/b', body: `value=${'x'.repeat(MAX_BODY)}`, contentType: FORM },
      { method: 'POST', target: '/v2/keys/queue', body: 'value=1', contentType: FORM },
    ];
    for (const req of cases) {
      const { fast, slow, taken } = await bothWays(p, req);
      expect(fast, `${req.method} ${req.target}`).toEqual(slow);
      expect(taken, `${req.method} ${req.target} should reach fastify`).toBe(false);
    }
  });

  it('gives every generated read and write the answer fastify gives it', async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(read, write), async (r) => {
        const both = await bothWays(p, rawRequest(r));
        expect(both.fast).toEqual(both.slow);
        if (both.taken) taken++;
      }),
      { numRuns: 400 },
    );
    // Guards the property against a fast path that never runs.
    expect(taken).toBeGreaterThan(80);
  });

  it('leaves every request to fastify while auth is on, and answers a failed member as fastify does', async () => {
    p.fast.member.failure = p.slow.member.failure = new Error('leader lost');
    try {
      for (const req of [{ method: 'GET', target: '/v2/keys/a' }, { method: 'PUT', target: '/v2/keys/a', body: 'value=1', contentType: FORM }]) {
        const { fast, slow, taken } = await bothWays(p, req);
        expect(taken).toBe(true);
        expect(fast.status).toBe(500);
        expect(fast).toEqual(slow);
      }
    } finally {
      p.fast.member.failure = p.slow.member.failure = undefined;
    }
    const root = { headers: { authorization: 'Basic ' + Buffer.from('root:rootpw').toString('base64'), 'content-type': 'application/json' } };
    for (const { app } of [p.fast, p.slow]) {
      expect((await app.inject({ method: 'PUT', url: '/v2/auth/users/root', payload: JSON.stringify({ user: 'root', password: 'rootpw' }), ...root })).statusCode).toBe(201);
      expect((await app.inject({ method: 'PUT', url: '/v2/auth/enable', ...root })).statusCode).toBe(200);
    }
    try {
      for (const req of [{ method: 'GET', target: '/v2/keys/a' }, { method: 'PUT', target: '/v2/keys/a', body: 'value=1', contentType: FORM }]) {
        const { fast, slow, taken } = await bothWays(p, req);
        expect(taken).toBe(false);
        expect(fast).toEqual(slow);
      }
    } finally {
      for (const { app } of [p.fast, p.slow]) await app.inject({ method: 'DELETE', url: '/v2/auth/enable', ...root });
    }
  });
});

/** Sends a PUT's head and the first part of its body, runs `between`, then the rest; the raw answer. */
function putInTwoParts(port: number, target: string, body: string, split: number, between: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(`PUT ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: ${FORM}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, split)}`);
    setTimeout(() => void between().then(() => socket.write(body.slice(split)), reject), 50);
  });
}

describe('the /v2/keys fast path when auth is turned on while a write\'s body is on its way', () => {
  let p: Pair;
  const root = { headers: { authorization: 'Basic ' + Buffer.from('root:rootpw').toString('base64'), 'content-type': 'application/json' } };
  beforeAll(async () => {
    p = await pair();
    // A guest that may read but not write, kept while auth is off again.
    for (const { app } of [p.fast, p.slow]) {
      await app.inject({ method: 'PUT', url: '/v2/auth/users/root', payload: JSON.stringify({ user: 'root', password: 'rootpw' }), ...root });
      await app.inject({ method: 'PUT', url: '/v2/auth/enable', ...root });
      const revoked = await app.inject({ method: 'PUT', url: '/v2/auth/roles/guest', payload: JSON.stringify({ role: 'guest', revoke: { kv: { write: ['/*'] } } }), ...root });
      expect(revoked.statusCode).toBe(200);
      await app.inject({ method: 'DELETE', url: '/v2/auth/enable', ...root });
    }
  });
  afterAll(() => close(p));

  it('refuses the write as the route does, and writes nothing', async () => {
    const answers: string[] = [];
    for (const side of [p.fast, p.slow]) {
      const before = p.reachedApp;
      const raw = await putInTwoParts(side.port, '/v2/keys/locked', 'value=secret', 3, async () => {
        expect((await side.app.inject({ method: 'PUT', url: '/v2/auth/enable', ...root })).statusCode).toBe(200);
      });
      if (side === p.fast) expect(p.reachedApp, 'the fast path took the write').toBe(before);
      answers.push(raw.replace(/\r\nDate: [^\r]*/, ''));
      expect(raw).toMatch(/^HTTP\/1\.1 401 /);
      expect(raw).toContain('"errorCode":110');
      const read = await side.app.inject({ method: 'GET', url: '/v2/keys/locked', ...root });
      expect(read.statusCode).toBe(404);
      await side.app.inject({ method: 'DELETE', url: '/v2/auth/enable', ...root });
    }
    expect(answers[0]).toBe(answers[1]);
  });
});
