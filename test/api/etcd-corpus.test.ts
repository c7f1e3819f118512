// Replays the corpora recorded from real etcd against the api over a real socket, each on a fresh
// store-backed member: every answer must equal etcd's once indexes and times are normalized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../api/app.js';
import { loadAuthCases } from './auth-cases.js';
import { concreteRequest, normalizeResponse } from './etcd-case.js';
import type { EtcdCase } from './etcd-case.js';
import { loadEtcdCases } from './etcd-cases.js';
import { exchange } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

const corpora: [string, () => EtcdCase[]][] = [
  ['the api answers the recorded etcd corpus as etcd did', loadEtcdCases],
  ['the api answers the recorded v2 auth corpus as etcd did', loadAuthCases],
];

for (const [title, load] of corpora) {
  describe(title, () => {
    let app: FastifyInstance;
    let port: number;
    let base: number;

    beforeAll(async () => {
      app = buildApp(new StoreMember(), { version: '3.4.23' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
      const root = await exchange(port, { method: 'GET', target: '/v2/keys/' });
      base = Number(root.headers.find(([name]) => name === 'x-etcd-index')![1]);
    });
    afterAll(() => app.close());

    for (const c of load()) {
      it(c.name, async () => {
        const res = await exchange(port, concreteRequest(c, base), c.readMs);
        expect(normalizeResponse(res, base, c.ignoreBody === true)).toEqual(c.expected);
      });
    }
  });
}
