// Replays the corpus recorded from real etcd against the api over a real socket, backed by the
// real store: every answer must equal etcd's once indexes and times are normalized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../api/app.js';
import { concreteRequest, normalizeResponse } from './etcd-case.js';
import { loadEtcdCases } from './etcd-cases.js';
import { exchange } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

describe('the api answers the recorded etcd corpus as etcd did', () => {
  let app: FastifyInstance;
  let port: number;
  let base: number;

  beforeAll(async () => {
    app = buildApp(new StoreMember(), { maxRequestBytes: 10 << 20, version: '3.4.23' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    const root = await exchange(port, { method: 'GET', target: '/v2/keys/' });
    base = Number(root.headers.find(([name]) => name === 'x-etcd-index')![1]);
  });
  afterAll(() => app.close());

  for (const c of loadEtcdCases()) {
    it(c.name, async () => {
      const res = await exchange(port, concreteRequest(c, base), c.readMs);
      expect(normalizeResponse(res, base, c.ignoreBody === true)).toEqual(c.expected);
    });
  }
});
