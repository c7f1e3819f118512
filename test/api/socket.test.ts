// What arrives below HTTP: request lines Node cannot parse get Go's bare answers, and a client
// that hangs up halfway through its body leaves the member serving.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { exchange } from './raw-http.js';
import { StoreMember } from './support/store-member.js';

let app: FastifyInstance;
let port: number;
const member = new StoreMember();

beforeAll(async () => {
  app = buildApp(member, { maxBodyBytes: 1 << 20, version: '3.4.23' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

/** Writes raw bytes, optionally closing after them, and returns everything sent back. */
function raw(bytes: string, endAfterWrite = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(bytes);
    if (endAfterWrite) socket.end();
  });
}

describe('below HTTP', () => {
  it('answers a request line it cannot parse as Go does, then closes', async () => {
    const bare = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';
    expect(await raw('GARBAGE\r\n\r\n')).toBe(bare);
    expect(await raw('GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')).toBe(bare);
  });

  it('answers oversized headers with 431', async () => {
    const answer = await raw(`GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('keeps serving after a client hangs up in the middle of a form body', async () => {
    const head = 'PUT /v2/keys/cut HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n';
    await raw(head + 'value=only-part', true);
    const res = await exchange(port, { method: 'GET', target: '/v2/keys/cut' });
    expect(res.status).toBe(404);
    expect(member.store.index).toBe(0);
  });
});
