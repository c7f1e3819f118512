// Random bytes in request lines, over a real socket: the member never falls over, and a sample
// recorded from etcd 3.4.23 gets etcd's class of answer. Where etcd answered, raftkv must answer
// the same (normalized); where Go refused the line, by a bare 400 or by closing, raftkv refuses it
// too, either way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawBadRequest } from '../../api/go-responses.js';
import { concreteRequest, normalizeResponse } from './etcd-case.js';
import type { Expected } from './etcd-case.js';
import { exchange } from './raw-http.js';
import type { RawResponse } from './raw-http.js';
import { fuzzTarget, loadRequestLineCases, requestLineMethod } from './request-line-cases.js';
import { corpusApp } from './support/corpus-app.js';

const app = corpusApp();

const BARE_400 = rawBadRequest();

/**
 * Go refused the line (a bare 400, or closing without a word) rather than etcd answering. raftkv
 * refuses a target it cannot parse from its edge hook, and for HEAD node then sends no body.
 */
function refused(answer: Expected | RawResponse, method: string): boolean {
  const body = BARE_400.slice(BARE_400.indexOf('\r\n\r\n') + 4);
  return answer.status === 0 || (answer.status === 400 && (answer.body === body || (method === 'HEAD' && answer.body === '')));
}

/** etcd's answer to a query it cannot parse (a bad % escape): 400, errorCode 210 "Invalid POST form". */
function etcdFormError(res: RawResponse): boolean {
  return res.status === 400 && /^\{"errorCode":210,"message":"Invalid POST form"/.test(res.body ?? '');
}

/** The store index at the start shows in answers to reads: etcd's fresh store is not at raftkv's. */
function withoutIndexes(answer: Expected): Expected {
  const { 'x-etcd-index': _, ...headers } = answer.headers;
  return { ...answer, headers, body: answer.body?.replace(/"index":\d+/, '"index":"<start>"') ?? null };
}

describe('random request lines', () => {
  for (const c of loadRequestLineCases()) {
    it(`${c.name}: ${JSON.stringify(`${c.method} ${c.target}`)}`, async () => {
      const res = await exchange(app.port, concreteRequest(c, app.base));
      if (refused(c.expected, c.method)) expect(refused(res, c.method)).toBe(true);
      else expect(withoutIndexes(normalizeResponse(res, app.base, false))).toEqual(withoutIndexes(c.expected));
    });
  }

  it('never bring a member down: every line is answered or refused, and the next request is served', async () => {
    await fc.assert(
      fc.asyncProperty(requestLineMethod, fuzzTarget, async (method, target) => {
        const res = await exchange(app.port, { method, target });
        expect(refused(res, method) || [200, 301, 404, 405].includes(res.status) || etcdFormError(res), `${method} ${target}: ${res.status} ${res.body}`).toBe(true);
        expect((await exchange(app.port, { method: 'GET', target: '/version' })).status).toBe(200);
      }),
      { numRuns: 300 },
    );
  });
});
