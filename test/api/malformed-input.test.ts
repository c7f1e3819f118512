// Whatever a client sends, the api answers with one of etcd's answers: never a crash, never
// fastify's own error, and every JSON body it sends parses.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { StoreMember } from './support/store-member.js';

const app = buildApp(new StoreMember(), { maxBodyBytes: 4096, version: '3.4.23' });
afterAll(() => app.close());

const piece = fc.constantFrom('a', 'b', '/', '//', '.', '..', '%2F', '%2f', '%zz', '%', '%4', '+', ';', '=', '&', '?', '_x', '%E2%82%AC', '%FF', '%00', '~', '(', '"');
const text = (maxLength: number) => fc.array(piece, { maxLength }).map((parts) => parts.join(''));
// No `wait`: a valid watch would wait for an event that never comes (watch.test.ts covers them).
const param = fc.constantFrom(
  'value', 'ttl', 'prevValue', 'prevIndex', 'prevExist', 'dir', 'recursive', 'sorted', 'waitIndex', 'stream', 'quorum', 'refresh', 'noValueOnSuccess',
);
const paramValue = fc.oneof(text(4), fc.constantFrom('true', 'false', '1', '0', 'T', '', '5', '-1', '18446744073709551616'));
const form = fc.array(fc.tuple(param, paramValue), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const contentType = fc.constantFrom(
  undefined, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset', 'application/json', 'text/', ';', 'a/b c', 'x; a=1; a=2',
);
const method = fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS');

const ETCD_STATUSES = [200, 201, 204, 301, 400, 403, 404, 405, 409, 412, 415];

function checkJSON(contentTypeHeader: unknown, body: string): void {
  if (contentTypeHeader !== 'application/json' || body === '') return;
  for (const line of body.split('\n').filter((l) => l !== '')) expect(() => JSON.parse(line)).not.toThrow();
}

describe('malformed input', () => {
  it('keys requests always get an etcd answer', async () => {
    await fc.assert(
      fc.asyncProperty(method, text(6), form, contentType, form, async (m, path, query, type, body) => {
        const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
        const url = `/v2/keys/${path}?${query}`.replace(/\?$/, '');
        const res = await app.inject({ method: m as 'GET', url, headers, payload: m === 'GET' || m === 'HEAD' ? undefined : body });
        expect(ETCD_STATUSES).toContain(res.statusCode);
        checkJSON(res.headers['content-type'], res.body);
      }),
      { numRuns: 400 },
    );
  });

  it('member requests always get an etcd answer', async () => {
    const json = fc.oneof(fc.json(), fc.string(), text(8), fc.constant('{"peerURLs":["http://10.0.0.1:2380"]}'));
    const path = fc.constantFrom('/v2/members', '/v2/members/', '/v2/members/leader', '/v2/members/zz', '/v2/members/2943212f5e2cf73', '/v2/members/a/b');
    await fc.assert(
      fc.asyncProperty(method, path, json, fc.constantFrom('application/json', 'text/plain', undefined), async (m, url, body, type) => {
        const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
        const res = await app.inject({ method: m as 'GET', url, headers, payload: m === 'GET' || m === 'HEAD' ? undefined : body });
        expect([...ETCD_STATUSES, 410, 503]).toContain(res.statusCode);
        expect(res.body).not.toContain('Internal Server Error');
      }),
      { numRuns: 300 },
    );
  });
});
