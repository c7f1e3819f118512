// ClientListeners: http and https servers per client URL in front of one fastify app (the real
// api/app.ts over an in-memory member). The app's hooks, routes, not-found and clientError answers
// are the same on every listener; close() drops long polls; https takes client certificates as
// etcd does (required with client cert auth, CRL, allowed hostname) and a rotated certificate.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { ClientListeners } from '../../bin/client-listeners.js';
import type { ClientTls } from '../../bin/client-listeners.js';
import { FileMaterial, TLS_POLL_MS } from '../../src/tls/file-material.js';
import { StoreMember } from '../api/support/store-member.js';
import { makeCa, makeSelfSigned } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { FakeClock } from '../support/fake-clock.js';
import { rawExchange } from './support/raw-socket.js';
import { refusal, send } from './support/tls-request.js';

let ca: TestCa;
let server: CertFiles;
let client: CertFiles;
let stranger: CertFiles;

beforeAll(() => {
  ca = makeCa();
  server = ca.issue('server');
  client = ca.issue('client', { dns: ['app.example'], ips: [] });
  stranger = makeSelfSigned('stranger', ca.dir);
});
afterAll(() => rmSync(ca.dir, { recursive: true, force: true }));

const opened: { listeners: ClientListeners; close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

interface Running {
  listeners: ClientListeners;
  httpUrl: string;
  httpsUrl: string;
  clock: FakeClock;
  member: StoreMember;
}

/** One app on an http and an https listener (free ports), the https one with `tls` over `files`. */
async function start(tls: Omit<ClientTls, 'material'>, files: { certFile: string; keyFile: string; trustedCaFile?: string; crlFile?: string }): Promise<Running> {
  const member = new StoreMember();
  const app = buildApp(member, { maxBodyBytes: 1 << 20, version: '3.4.23', logger: pino({ level: 'silent' }) });
  await app.ready();
  const clock = new FakeClock();
  const material = new FileMaterial({ files, clock, warn: () => {} });
  const listeners = await ClientListeners.open({
    app,
    urls: ['http://127.0.0.1:0', 'https://127.0.0.1:0'],
    tls: { material, ...tls },
    logger: pino({ level: 'silent' }),
  });
  opened.push({ listeners, close: async () => { await listeners.close(); await app.close(); material.close(); } });
  const [plain, secure] = listeners.addresses();
  return { listeners, httpUrl: `http://127.0.0.1:${plain!.port}`, httpsUrl: `https://127.0.0.1:${secure!.port}`, clock, member };
}

const serverFiles = (extra: { trustedCaFile?: string; crlFile?: string } = {}) => ({ certFile: server.cert, keyFile: server.key, ...extra });

describe('one app behind http and https listeners', () => {
  it('answers the same on both: routes, the edge hook\'s CORS header, etcd\'s 404', async () => {
    const { httpUrl, httpsUrl } = await start({ clientCertAuth: false }, serverFiles());
    for (const base of [httpUrl, httpsUrl]) {
      const version = await send(`${base}/version`, { ca: ca.cert });
      expect(version.status).toBe(200);
      expect(JSON.parse(version.body)).toEqual({ etcdserver: '3.4.23', etcdcluster: '3.4.0' });
      expect(version.headers['access-control-allow-origin']).toBe('*');
      const missing = await send(`${base}/nope`, { ca: ca.cert });
      expect(missing.status).toBe(404);
      expect(missing.body).toBe('404 page not found\n');
      const put = await send(`${base}/v2/keys/k`, { ca: ca.cert }, { method: 'PUT', body: 'value=v' });
      expect(put.status).toBeGreaterThanOrEqual(200);
      expect(JSON.parse(put.body).node.value).toBe('v');
    }
  });

  it('answers a request it cannot parse with Go\'s 400 on both (the app\'s clientErrorHandler)', async () => {
    const { httpUrl, httpsUrl } = await start({ clientCertAuth: false }, serverFiles());
    for (const base of [httpUrl, httpsUrl]) {
      const answer = await rawExchange(base, 'GET /version HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', { ca: ca.cert });
      expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
    }
  });

  it('reads request lines as Go does on both: raw bytes and lower-case methods, pipelined on one connection', async () => {
    const { httpUrl, httpsUrl } = await start({ clientCertAuth: false }, serverFiles());
    for (const base of [httpUrl, httpsUrl]) {
      const value = 'v\xc3\xa9 get /x\xff HTTP/1.1\r\n';
      const pipeline = Buffer.from(
        `PUT /v2/keys/\xc3\xa9?value=1 HTTP/1.1\r\nHost: x\r\n\r\n` +
          `PUT /v2/keys/b HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${6 + value.length}\r\n\r\nvalue=${value}` +
          'get /v2/keys/b HTTP/1.1\r\nHost: x\r\n\r\n' +
          'GET /v2/keys/%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        'latin1',
      );
      const answer = await rawExchange(base, pipeline, { ca: ca.cert });
      const created = expect.stringMatching(/^HTTP\/1\.1 20[01]$/); // the second listener writes over the first's keys
      expect(answer.match(/^HTTP\/1\.1 \d+/gm)).toEqual([created, created, 'HTTP/1.1 405', 'HTTP/1.1 200']);
      expect(answer).toContain('{"action":"get","node":{"key":"/\xc3\xa9","value":"1"');
      expect(answer).toContain(`"value":"v\xc3\xa9 get /x\\ufffd HTTP/1.1\\r\\n"`);
    }
  });

  it('close() drops an open long poll at once and resolves', async () => {
    const { listeners, httpsUrl } = await start({ clientCertAuth: false }, serverFiles());
    const watch = send(`${httpsUrl}/v2/keys/w?wait=true`, { ca: ca.cert }, { timeoutMs: 60_000 });
    const settled = watch.then(() => 'answered', (err: Error) => `dropped: ${err.message}`);
    await new Promise((r) => setTimeout(r, 200));
    const began = Date.now();
    await listeners.close();
    expect(await settled).toMatch(/^dropped: /);
    expect(Date.now() - began).toBeLessThan(5_000);
  });
});

describe('client certificates on the https listener', () => {
  it('with client cert auth, serves a client whose certificate the trusted CA signed', async () => {
    const { httpsUrl } = await start({ clientCertAuth: true }, serverFiles({ trustedCaFile: ca.cert }));
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert, client })).status).toBe(200);
  });

  it('refuses at the handshake a client without a certificate, or with one from another CA', async () => {
    const { httpsUrl, httpUrl } = await start({ clientCertAuth: true }, serverFiles({ trustedCaFile: ca.cert }));
    // OpenSSL's TLS 1.3 alert; etcd (Go 1.19) sends "bad certificate" instead.
    expect((await refusal(`${httpsUrl}/version`, { ca: ca.cert })).message).toMatch(/alert certificate required/);
    // TLS 1.3: the client has sent its request before the server's "unknown ca" alert arrives.
    expect((await refusal(`${httpsUrl}/version`, { ca: ca.cert, client: stranger })).message).toMatch(/unknown ca|socket hang up|ECONNRESET/);
    // The http listener of the same app asks for nothing, as in etcd.
    expect((await send(`${httpUrl}/version`)).status).toBe(200);
  });

  it('refuses a revoked client certificate (CRL)', async () => {
    const revoked = ca.issue('revoked');
    const crlFile = ca.crl('revocations', [revoked.cert]);
    const { httpsUrl } = await start({ clientCertAuth: true }, serverFiles({ trustedCaFile: ca.cert, crlFile }));
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert, client })).status).toBe(200);
    expect((await refusal(`${httpsUrl}/version`, { ca: ca.cert, client: revoked })).message).toMatch(/certificate revoked|socket hang up|ECONNRESET/);
  });

  it('with an allowed hostname, serves only certificates valid for it (SANs, never the CN)', async () => {
    const { httpsUrl, member } = await start({ clientCertAuth: true, allowedHostname: 'app.example' }, serverFiles({ trustedCaFile: ca.cert }));
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert, client })).status).toBe(200);
    const cnOnly = ca.issue('cn-only', { cn: 'app.example', dns: ['other.example'], ips: [] });
    const before = member.store.index;
    await expect(send(`${httpsUrl}/v2/keys/k`, { ca: ca.cert, client: cnOnly }, { method: 'PUT', body: 'value=v' })).rejects.toThrow();
    expect(member.store.index, 'the refused client got no request in').toBe(before);
  });
});

describe('protocol versions', () => {
  it('refuses TLS 1.1 with the protocol-version alert, as etcd (Go, TLS 1.2 minimum) does', async () => {
    const { httpsUrl } = await start({ clientCertAuth: false }, serverFiles());
    const error = await new Promise<string>((resolve) => {
      // SECLEVEL=0 lets this client offer TLS 1.1 at all; the server is what refuses it.
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(httpsUrl).port), rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
        resolve(`connected with ${socket.getProtocol()}`);
        socket.destroy();
      });
      socket.once('error', (err) => resolve(err.message));
    });
    expect(error).toMatch(/alert protocol version/);
  });
});

describe('certificate rotation', () => {
  it('new connections get the new certificate once the material has seen the files change', async () => {
    const dir = ca.dir;
    const certFile = join(dir, 'rotating.crt');
    const keyFile = join(dir, 'rotating.key');
    copyFileSync(server.cert, certFile);
    copyFileSync(server.key, keyFile);
    const { httpsUrl, clock } = await start({ clientCertAuth: false }, { certFile, keyFile });
    const old = new X509Certificate(readFileSync(server.cert)).fingerprint256;
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert })).serverCert).toBe(old);
    const next = ca.issue('server-next');
    for (const [from, to] of [[next.cert, certFile], [next.key, keyFile]] as const) {
      copyFileSync(from, `${to}.new`);
      renameSync(`${to}.new`, to);
    }
    await clock.advance(TLS_POLL_MS);
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert })).serverCert).toBe(new X509Certificate(readFileSync(next.cert)).fingerprint256);
  });
});
