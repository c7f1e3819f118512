// Fuzzing /v2/auth and Basic credentials: malformed base64, missing colons, huge and non-UTF-8
// headers and names, JSON garbage. Every answer must be one of etcd's (its statuses and message
// shapes), a refused request must change nothing (auth state and store index), and the member
// must go on answering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { StoreMember } from './support/store-member.js';

const basic = (raw: Uint8Array | string): string => `Basic ${Buffer.from(raw).toString('base64')}`;
const ROOT = basic('root:pw');
const INSUFFICIENT = '{"errorCode":110,"message":"The request requires user authentication","cause":"Insufficient credentials","index":0}\n';

/** etcd's answers for /v2/auth: {"message":...}, Go's 405, or the mux's redirect of an unclean path. */
function isEtcdAuthAnswer(status: number, body: string): boolean {
  if (status === 405) return body === 'Method Not Allowed\n';
  if (status === 301) return body === '' || body.endsWith('>Moved Permanently</a>.\n\n');
  if (status >= 400) return /^\{"message":"[^\n]*"\}$/.test(body);
  return body === '' || body.endsWith('}\n');
}

const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.record({
    user: fc.oneof(fc.constant('fz'), fc.string(), fc.integer(), fc.constant(null)),
    role: fc.oneof(fc.constant('fz'), fc.string(), fc.constant(null)),
    password: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    roles: fc.oneof(fc.array(fc.oneof(fc.string(), fc.constant(null))), fc.string(), fc.constant(null)),
    grant: fc.oneof(fc.array(fc.string()), fc.record({ kv: fc.record({ read: fc.array(fc.string()), write: fc.anything() }) }), fc.constant(null)),
    revoke: fc.oneof(fc.array(fc.string()), fc.record({ kv: fc.record({ read: fc.array(fc.string()) }) }), fc.constant(null)),
    permissions: fc.anything(),
  }).map((o) => JSON.stringify(o)),
);

/** What a header value may hold. */
const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, 'x');

const names = fc.oneof(fc.constantFrom('fz', 'root', 'guest', 'a/b', '', '%FF', '%E2%82', '_x'), fc.string({ maxLength: 12 }).map(encodeURIComponent));

const authorizations = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 40 }).map(basic),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${printable(s)}`),
  fc.string({ maxLength: 40 }).map((s) => basic(s.replace(/:/g, ''))),
  fc.tuple(fc.string(), fc.string()).map(([u, p]) => basic(`${u}:${p}`)),
  fc.constant(basic(Buffer.from([0xff, 0xfe, 0x3a, 0x70]))),
  fc.integer({ min: 1000, max: 12000 }).map((n) => basic(`root:${'x'.repeat(n)}`)),
  fc.string({ maxLength: 20 }).map((s) => printable(s).trim() || 'x'),
);

/** A member with root, a reader alice, auth on and the guest role revoked. */
async function secured(): Promise<{ member: StoreMember; app: FastifyInstance }> {
  const member = new StoreMember();
  const app = buildApp(member, { maxBodyBytes: 1 << 16, version: '3.4.23' });
  const put = (url: string, payload: string, headers = {}) => app.inject({ method: 'PUT', url, payload, headers });
  await put('/v2/auth/users/root', '{"user":"root","password":"pw"}');
  await put('/v2/auth/roles/reader', '{"role":"reader","permissions":{"kv":{"read":["/foo/*"]}}}');
  await put('/v2/auth/users/alice', '{"user":"alice","password":"apw","roles":["reader"]}');
  await put('/v2/auth/enable', '');
  await put('/v2/auth/roles/guest', '{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}', { authorization: ROOT });
  expect(member.authState.enabled).toBe(true);
  return { member, app };
}

describe('fuzzing v2 auth', () => {
  it('the auth endpoints answer anything as etcd would, and a refusal changes nothing', async () => {
    const { member, app } = await secured();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'DELETE', 'POST', 'PATCH'),
        fc.constantFrom('users', 'roles', 'enable'),
        names,
        jsonish,
        fc.boolean(),
        async (method, kind, name, body, asRoot) => {
          const before = JSON.stringify(member.authState.toData());
          const guarded = member.authState.enabled && !asRoot;
          const index = member.store.index;
          const url = kind === 'enable' ? '/v2/auth/enable' : `/v2/auth/${kind}/${name}`;
          const res = await app.inject({ method, url, payload: method === 'GET' ? undefined : body, headers: asRoot ? { authorization: ROOT } : {} });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode !== 400 || res.body !== '400 Bad Request') expect(isEtcdAuthAnswer(res.statusCode, res.body), `${res.statusCode} ${res.body}`).toBe(true);
          if (res.statusCode >= 300 || method === 'GET') {
            expect(JSON.stringify(member.authState.toData())).toBe(before);
            expect(member.store.index).toBe(index);
          }
          if (guarded && !(kind === 'enable' && method === 'GET')) expect([301, 400, 401, 405]).toContain(res.statusCode);
        },
      ),
      { numRuns: 300 },
    );
    expect((await app.inject({ method: 'GET', url: '/v2/auth/enable' })).statusCode).toBe(200);
  });

  it('Basic credentials that name no user with a password are refused with etcd 110, and write nothing', async () => {
    const { member, app } = await secured();
    await fc.assert(
      fc.asyncProperty(authorizations, fc.constantFrom('GET', 'PUT', 'DELETE'), async (authorization, method) => {
        const index = member.store.index;
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (authorization !== undefined) headers.authorization = authorization;
        const res = await app.inject({ method, url: '/v2/keys/foo/k', payload: 'value=x', headers });
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(INSUFFICIENT);
        expect(member.store.index).toBe(index);
      }),
      { numRuns: 200 },
    );
  });
});
