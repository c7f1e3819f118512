// The api over a fresh store-backed member on a loopback port, for replaying cases recorded from
// etcd: the port, and the store index it starts at (recorded indexes are relative to it).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../../api/app.js';
import { exchange } from '../raw-http.js';
import { StoreMember } from './store-member.js';

export interface CorpusApp {
  port: number;
  base: number;
}

/** Call in a suite (or at top level): the app is up before its tests and closed after them. */
export function corpusApp(): CorpusApp {
  const handle: CorpusApp = { port: 0, base: 0 };
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp(new StoreMember(), { version: '3.4.23' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    handle.port = (app.server.address() as AddressInfo).port;
    const root = await exchange(handle.port, { method: 'GET', target: '/v2/keys/' });
    handle.base = Number(root.headers.find(([name]) => name === 'x-etcd-index')![1]);
  });
  afterAll(() => app.close());
  return handle;
}
