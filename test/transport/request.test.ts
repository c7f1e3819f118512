import { describe, expect, it } from 'vitest';
import { sleep } from '../../bench/harness/wait.js';
import { RemoteRequestError, RequestTimeoutError } from '../../src/transport/peer-transport.js';
import { ask, freeUrl, transportFixture } from './helpers.js';

const fx = transportFixture();

describe('peer requests', () => {
  it('a member not yet in the cluster asks a member and gets its answer', async () => {
    const asked: { kind: string; body: unknown; from: string }[] = [];
    const a = await fx.member('a', {
      onRequest: async (kind, body, from) => {
        asked.push({ kind, body, from });
        return { members: [{ id: 'a', peerURLs: ['http://127.0.0.1:1'] }], blob: new Uint8Array([1, 2]) };
      },
    });
    await a.transport.start();
    const joiner = await fx.member('j', { clusterId: '' });
    const answer = (await ask(joiner, [a.url], 'members', { want: 'all' }, 1000)) as { members: unknown; blob: Uint8Array };
    expect(answer.members).toEqual([{ id: 'a', peerURLs: ['http://127.0.0.1:1'] }]);
    expect(answer.blob).toBeInstanceOf(Uint8Array);
    expect([...answer.blob]).toEqual([1, 2]);
    expect(asked).toEqual([{ kind: 'members', body: { want: 'all' }, from: 'j' }]);
  });

  it('tries the next URL when one cannot be reached', async () => {
    const a = await fx.member('a', { onRequest: async () => 'pong' });
    await a.transport.start();
    const j = await fx.member('j');
    await expect(ask(j, [await freeUrl(), a.url], 'ping', null, 1000)).resolves.toBe('pong');
  });

  it('passes on the error the remote handler threw, without asking other URLs', async () => {
    let secondAsked = false;
    const a = await fx.member('a', { onRequest: async () => Promise.reject(new Error('not a voter')) });
    const b = await fx.member('b', { onRequest: async () => (secondAsked = true) });
    await a.transport.start();
    await b.transport.start();
    const j = await fx.member('j');
    const err = await ask(j, [a.url, b.url], 'promote', {}, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteRequestError);
    expect((err as Error).message).toBe('not a voter');
    expect(secondAsked).toBe(false);
  });

  it('answers with an error when the member serves no requests', async () => {
    const [a] = await fx.cluster(['a']);
    const j = await fx.member('j');
    await expect(ask(j, [a!.url], 'members', null, 1000)).rejects.toThrow(/serves no peer requests/);
  });

  it('times out cleanly when the listener never answers', async () => {
    let hungUp = false;
    const silent = await fx.rawPeer((socket) => {
      socket.resume();
      socket.on('close', () => (hungUp = true));
    });
    const j = await fx.member('j');
    const started = Date.now();
    await expect(ask(j, [silent], 'members', null, 150)).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await sleep(20);
    expect(hungUp).toBe(true);
  });

  it('times out when the remote handler never finishes', async () => {
    const a = await fx.member('a', { onRequest: () => new Promise(() => {}) });
    await a.transport.start();
    const j = await fx.member('j');
    await expect(ask(j, [a.url], 'members', null, 100)).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('fails at once, naming the URL, when no URL can be reached', async () => {
    const j = await fx.member('j');
    const dead = await freeUrl();
    const started = Date.now();
    await expect(ask(j, [dead], 'members', null, 5000)).rejects.toThrow(dead);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is refused by a member of another cluster', async () => {
    const a = await fx.member('a', { onRequest: async () => 'hi' });
    await a.transport.start();
    const x = await fx.member('x', { clusterId: 'other' });
    await expect(ask(x, [a.url], 'members', null, 1000)).rejects.toThrow(/refused: cluster ID mismatch/);
  });
});
