// Watches over real sockets: headers before events, one event per long poll, many per stream,
// and no watch left behind when the client goes away or the server closes.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { waitFor } from '../../bench/harness/wait.js';
import { Store } from '../../src/store/store.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { StoreMember } from './support/store-member.js';

interface OpenResponse {
  res: http.IncomingMessage;
  /** Everything received so far. */
  body: () => string;
  ended: Promise<void>;
  abort: () => void;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(member: StoreMember): Promise<number> {
  app = buildApp(member, { maxBodyBytes: 1 << 20, version: '3.4.23' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** Opens a GET and resolves once the response headers are in. */
function open(port: number, path: string, agent: http.Agent | false = false): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const ended = new Promise<void>((done) => res.on('close', done));
      resolve({ res, body: () => body, ended, abort: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function write(member: StoreMember, key: string, value: string): Promise<void> {
  await member.handle({ method: 'PUT', path: key, time: Date.now(), val: value });
}


describe('watches', () => {
  it('a long poll gets its headers at once, X-Etcd-Index the index it started at, then the event', async () => {
    const member = new StoreMember();
    await write(member, '/w/a', '1');
    const port = await serve(member);
    const poll = await open(port, '/v2/keys/w/a?wait=true');
    expect(poll.res.statusCode).toBe(200);
    expect(poll.res.headers).toMatchObject({ 'content-type': 'application/json', 'x-etcd-index': '1', 'x-etcd-cluster-id': '70f9cf875eabdc0b' });
    expect(poll.res.headers['x-raft-index']).toMatch(/^\d+$/);
    expect(poll.body()).toBe('');

    await write(member, '/w/a', '2');
    await poll.ended;
    expect(poll.body()).toBe(
      '{"action":"set","node":{"key":"/w/a","value":"2","modifiedIndex":2,"createdIndex":2},' +
        '"prevNode":{"key":"/w/a","value":"1","modifiedIndex":1,"createdIndex":1}}\n',
    );
    expect(member.openWatches).toBe(0);
    expect(member.store.watcherCount).toBe(0);
  });

  it('a stream writes each event as a line and stays open', async () => {
    const member = new StoreMember();
    const port = await serve(member);
    const stream = await open(port, '/v2/keys/s?wait=true&stream=true&recursive=true');
    await write(member, '/s/a', '1');
    await write(member, '/s/b', '2');
    await waitFor('both events on the stream', () => stream.body().split('\n').length === 3, LOOPBACK_WAIT_MS);
    expect(stream.body().split('\n').map((line) => (line ? JSON.parse(line).node.key : line))).toEqual(['/s/a', '/s/b', '']);
    expect(stream.res.complete).toBe(false);
    stream.abort();
  });

  it('closes the watch when the client goes away', async () => {
    const member = new StoreMember();
    const port = await serve(member);
    const stream = await open(port, '/v2/keys/gone?wait=true&stream=true');
    expect(member.openWatches).toBe(1);
    stream.abort();
    await waitFor('the watch to close', () => member.openWatches === 0, LOOPBACK_WAIT_MS);
    expect(member.store.watcherCount).toBe(0);
  });

  it('a watch answered from history before its headers went out still gets them first', async () => {
    const member = new StoreMember();
    await write(member, '/h', '1');
    await write(member, '/h', '2');
    const port = await serve(member);
    const poll = await open(port, '/v2/keys/h?wait=true&waitIndex=1');
    await poll.ended;
    expect(poll.res.headers['x-etcd-index']).toBe('2');
    expect(JSON.parse(poll.body())).toMatchObject({ action: 'set', node: { value: '1', modifiedIndex: 1 } });
  });

  it('a waitIndex that left the history is error 401 with the current index', async () => {
    const member = new StoreMember({ historySize: 2 });
    for (let i = 0; i < 5; i++) await write(member, '/old', String(i));
    const port = await serve(member);
    const poll = await open(port, '/v2/keys/old?wait=true&waitIndex=1');
    await poll.ended;
    expect(poll.res.statusCode).toBe(400);
    expect(poll.res.headers['x-etcd-index']).toBe('5');
    expect(poll.body()).toBe(
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [4/1]","index":5}\n',
    );
  });

  it('ends the response with no body when a snapshot install skipped past what the watch has left in history (the client asks again and hears 401)', async () => {
    const member = new StoreMember();
    const port = await serve(member);
    const stream = await open(port, '/v2/keys/x?wait=true&stream=true');
    const leader = new Store({ historySize: 1 });
    for (let i = 0; i < 3; i++) leader.apply({ method: 'PUT', path: '/x', val: String(i), time: 0 });
    member.store.recover(leader.save());
    await stream.ended;
    expect(stream.body()).toBe('');
    expect(member.openWatches).toBe(0);
  });

  it('a long poll on a reused connection hands its event to the socket in one write', async () => {
    const member = new StoreMember();
    const port = await serve(member);
    // Writes reaching the connection's socket, whether one buffer (_write) or several (_writev).
    let socketWrites = 0;
    app!.server.on('connection', (socket: Socket) => {
      for (const name of ['_write', '_writev'] as const) {
        const original = socket[name]!.bind(socket) as (...args: unknown[]) => void;
        socket[name] = (...args: unknown[]) => {
          socketWrites++;
          original(...args);
        };
      }
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const value of ['1', '2']) {
        const poll = await open(port, '/v2/keys/reused?wait=true', agent);
        const before = socketWrites;
        await write(member, '/reused', value);
        await poll.ended;
        expect(JSON.parse(poll.body()).node.value).toBe(value);
        expect(socketWrites - before).toBe(1);
      }
    } finally {
      agent.destroy();
    }
  });

  it('closing the server ends open long polls instead of waiting for them', async () => {
    const member = new StoreMember();
    const port = await serve(member);
    const poll = await open(port, '/v2/keys/forever?wait=true');
    const started = Date.now();
    await app!.close();
    app = undefined;
    await poll.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(member.openWatches).toBe(0);
  });
});
