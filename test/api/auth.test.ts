// v2 auth through the api where the recorded corpus cannot reach: an empty permission pattern,
// a stream authorized once, a failing change, oversized bodies, the credentials a request
// carries (Basic as Go reads it, a client certificate's names), and secrets kept out of logs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { certificateNames } from '../../api/client-cert.js';
import { basicCredentials } from '../../api/credentials.js';
import { waitFor } from '../../bench/harness/wait.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { NO_ANSWER, exchange } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ROOT = { authorization: basic('root', 'pw') };

function start(member: StoreMember, logger?: pino.Logger): FastifyInstance {
  app = buildApp(member, { maxBodyBytes: 4096, version: '3.4.23', logger });
  return app;
}

/** A member with root, auth on, guest revoked, and alice holding `role`. */
async function secured(member: StoreMember, role: object): Promise<FastifyInstance> {
  const api = start(member);
  const put = (url: string, payload: object, headers = {}) => api.inject({ method: 'PUT', url, payload: JSON.stringify(payload), headers });
  await put('/v2/auth/users/root', { user: 'root', password: 'pw' });
  await put('/v2/auth/roles/r', { role: 'r', ...role });
  await put('/v2/auth/users/alice', { user: 'alice', password: 'apw', roles: ['r'] });
  expect((await api.inject({ method: 'PUT', url: '/v2/auth/enable' })).statusCode).toBe(200);
  await put('/v2/auth/roles/guest', { role: 'guest', revoke: { kv: { read: ['/*'], write: ['/*'] } } }, ROOT);
  return api;
}

describe('v2 auth over the api', () => {
  it('drops the connection without an answer where etcd panics on an empty pattern', async () => {
    const member = new StoreMember();
    const api = await secured(member, { permissions: { kv: { read: [''] } } });
    await api.listen({ port: 0, host: '127.0.0.1' });
    const port = (api.server.address() as AddressInfo).port;
    const res = await exchange(port, { method: 'GET', target: '/v2/keys/a', headers: [['Authorization', basic('alice', 'apw')]] }, 2000);
    expect(res).toEqual(NO_ANSWER);
    const after = await exchange(port, { method: 'GET', target: '/v2/auth/enable' });
    expect(after.status).toBe(200);
  });

  it('authorizes a stream once, when it starts, as etcd does', async () => {
    const member = new StoreMember();
    const api = await secured(member, { permissions: { kv: { read: ['/s/*'] } } });
    await api.listen({ port: 0, host: '127.0.0.1' });
    const port = (api.server.address() as AddressInfo).port;
    let body = '';
    const req = http.get({ port, host: '127.0.0.1', path: '/v2/keys/s/k?wait=true&stream=true', headers: { authorization: basic('alice', 'apw') } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    res.on('data', (chunk: Buffer) => (body += chunk.toString()));
    expect(res.statusCode).toBe(200);
    await waitFor('the stream is registered', () => member.openWatches === 1, LOOPBACK_WAIT_MS);
    const revoke = JSON.stringify({ user: 'alice', revoke: ['r'] });
    expect((await api.inject({ method: 'PUT', url: '/v2/auth/users/alice', payload: revoke, headers: ROOT })).statusCode).toBe(200);
    await api.inject({ method: 'PUT', url: '/v2/keys/s/k', payload: 'value=1', headers: { ...ROOT, 'content-type': 'application/x-www-form-urlencoded' } });
    await waitFor('the event on the stream', () => body.includes('"value":"1"'), LOOPBACK_WAIT_MS);
    req.destroy();
    const again = await api.inject({ method: 'GET', url: '/v2/keys/s/k?wait=true', headers: { authorization: basic('alice', 'apw') } });
    expect(again.statusCode).toBe(401);
  });

  it('answers a change that cannot be committed with etcd 500, and nothing changes', async () => {
    const member = new StoreMember();
    const api = start(member);
    const failing = Object.create(member) as StoreMember;
    Object.defineProperty(failing, 'auth', { value: Object.assign(Object.create(member.auth), { change: () => Promise.reject(new Error('etcdserver: request timed out')) }) });
    app = buildApp(failing, { maxBodyBytes: 4096, version: '3.4.23' });
    await api.close();
    const res = await app.inject({ method: 'PUT', url: '/v2/auth/users/root', payload: '{"user":"root","password":"pw"}' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('{"message":"Internal Server Error"}');
    expect(member.authState.userNames()).toEqual([]);
  });

  it('refuses a body over the limit as invalid JSON and closes the connection', async () => {
    const member = new StoreMember();
    const res = await start(member).inject({ method: 'PUT', url: '/v2/auth/users/root', payload: `{"user":"root","password":"${'x'.repeat(5000)}"}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe('{"message":"Invalid JSON in request body."}');
    expect(res.headers.connection).toBe('close');
    expect(member.store.index).toBe(0);
  });

  it('lets a verified client certificate name the user when there is no Authorization header', async () => {
    const member = new StoreMember();
    await secured(member, { permissions: { kv: { read: ['/c/*'] } } });
    const asCert = (names: string[]) => ({ kind: 'anonymous' as const, certificateNames: names });
    expect(await member.auth.hasKeyAccess(asCert(['alice']), '/c/x', false, false)).toBe(true);
    expect(await member.auth.hasKeyAccess(asCert(['stranger', 'alice']), '/c/x', false, false)).toBe(true);
    expect(await member.auth.hasKeyAccess(asCert(['stranger']), '/c/x', false, false)).toBe(false);
    expect(await member.auth.hasRootAccess(asCert(['root']))).toBe(true);
    expect(await member.auth.hasRootAccess(asCert(['alice']))).toBe(false);
  });

  it('never logs passwords or Authorization headers', async () => {
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logged += chunk.toString()), done()) });
    const member = new StoreMember();
    const failing = Object.create(member) as StoreMember;
    Object.defineProperty(failing, 'auth', { value: Object.assign(Object.create(member.auth), { change: () => Promise.reject(new Error('lost')) }) });
    const api = start(failing, pino({ level: 'trace' }, sink));
    await api.inject({ method: 'PUT', url: '/v2/auth/users/root', payload: '{"user":"root","password":"hunter2-secret"}', headers: { authorization: basic('root', 'hunter2-secret') } });
    await api.inject({ method: 'GET', url: '/v2/keys/a', headers: { authorization: basic('root', 'hunter2-secret') } });
    expect(logged).toContain('auth change failed');
    expect(logged).not.toContain('hunter2');
    expect(logged).not.toContain(Buffer.from('root:hunter2-secret').toString('base64'));
  });
});

describe('Basic credentials as Go reads them', () => {
  const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

  it('reads user and password, the scheme in any case, CR and LF skipped', () => {
    expect(basicCredentials(`Basic ${b64('u:p:q')}`)).toEqual({ kind: 'basic', user: 'u', password: Buffer.from('p:q') });
    expect(basicCredentials(`bAsIc ${b64('u:')}`)).toEqual({ kind: 'basic', user: 'u', password: Buffer.alloc(0) });
    expect(basicCredentials(`Basic ${b64('root:pw').slice(0, 4)}\r\n${b64('root:pw').slice(4)}`)).toMatchObject({ user: 'root' });
  });

  it('refuses what Go refuses: no colon, bad or unpadded base64, another scheme, nothing after the scheme', () => {
    for (const header of [`Basic ${b64('rootpw')}`, 'Basic cm9vdDpwdw', 'Basic !!!!', 'Bearer x', 'Basic', `Basic  ${b64('u:p')}`]) {
      expect(basicCredentials(header), header).toEqual({ kind: 'malformed' });
    }
  });

  it('a user name that is not UTF-8 is no user', () => {
    expect(basicCredentials(`Basic ${b64(Buffer.from([0xff, 0x3a, 0x70]))}`)).toEqual({ kind: 'basic', user: undefined, password: Buffer.from('p') });
  });
});

describe('client certificate names', () => {
  const chain = () => {
    const root: { subject: { CN: string }; issuerCertificate?: unknown } = { subject: { CN: 'ca' } };
    root.issuerCertificate = root;
    return { subject: { CN: ['first', 'alice'] }, issuerCertificate: { subject: { CN: '' }, issuerCertificate: root } };
  };

  it('are the common names of a verified chain, leaf first, the last CN of a subject', () => {
    expect(certificateNames({ authorized: true, getPeerCertificate: () => chain() as never })).toEqual(['alice', 'ca']);
  });

  it('are none for an unverified peer or a plain socket', () => {
    expect(certificateNames({ authorized: false, getPeerCertificate: () => chain() as never })).toEqual([]);
    expect(certificateNames({})).toEqual([]);
    expect(certificateNames({ authorized: true, getPeerCertificate: () => ({}) })).toEqual([]);
  });
});
