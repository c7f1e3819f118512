// The proxy's member list under a test clock: refresh, shuffle, failure wait, etcd's 1 s retry of
// an empty list, and the cluster learned (and remembered) from the peers' /members.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClusterFile, writeClusterFile } from '../../src/proxy/cluster-file.js';
import { ClusterSource } from '../../src/proxy/cluster-source.js';
import type { PeerAnswer } from '../../src/proxy/cluster-source.js';
import { Director } from '../../src/proxy/director.js';
import { FakeClock } from '../support/fake-clock.js';

const quiet = { info: () => {}, warn: () => {} };

function director(clock: FakeClock, urls: () => string[], opts: { failureWaitMs?: number; refreshIntervalMs?: number; random?: () => number } = {}) {
  let asked = 0;
  const d = new Director({
    clock,
    random: opts.random ?? (() => 0.999),
    clientUrls: async () => {
      asked++;
      return urls();
    },
    failureWaitMs: opts.failureWaitMs ?? 5000,
    refreshIntervalMs: opts.refreshIntervalMs ?? 30_000,
    log: quiet,
  });
  return { d, asked: () => asked };
}

describe('Director', () => {
  it('leaves a failed member out for the failure wait, then offers it again', async () => {
    const clock = new FakeClock();
    const { d } = director(clock, () => ['http://a', 'http://b']);
    await d.start();
    const [first, second] = d.available();
    d.failed(first);
    expect(d.available()).toEqual([second]);
    await clock.advance(4999);
    expect(d.available()).toEqual([second]);
    await clock.advance(1);
    expect(d.available().map((e) => e.url).sort()).toEqual(['http://a', 'http://b']);
    d.stop();
  });

  it('refreshes every interval, every member available again and in a shuffled order', async () => {
    const clock = new FakeClock();
    let urls = ['http://a', 'http://b', 'http://c'];
    const { d, asked } = director(clock, () => urls, { refreshIntervalMs: 200, random: () => 0 });
    await d.start();
    // random() = 0 swaps each position with the first: [a,b,c] → [b,c,a].
    expect(d.available().map((e) => e.url)).toEqual(['http://b', 'http://c', 'http://a']);
    d.failed(d.available()[0]);
    urls = ['http://a', 'http://d'];
    await clock.advance(200);
    expect(asked()).toBe(2);
    expect(d.available().map((e) => e.url).sort()).toEqual(['http://a', 'http://d']);
    d.stop();
    await clock.advance(1000);
    expect(asked()).toBe(2);
  });

  it('retries an empty list every second when the interval is 30 s or more, as etcd', async () => {
    const clock = new FakeClock();
    let urls: string[] = [];
    const { d, asked } = director(clock, () => urls);
    await d.start();
    await clock.advance(1000);
    expect(asked()).toBe(2);
    urls = ['http://a'];
    await clock.advance(1000);
    expect(d.available().map((e) => e.url)).toEqual(['http://a']);
    await clock.advance(1000);
    expect(asked()).toBe(3); // found: back to the 30 s interval
    await clock.advance(29_000);
    expect(asked()).toBe(4);
    d.stop();
  });
});

const answer = (members: object[]): PeerAnswer => ({ clusterId: 'abc', body: JSON.stringify(members) });

describe('ClusterSource', () => {
  it('takes the first peer that answers, sorts the client URLs and remembers the peer URLs', async () => {
    const asked: string[] = [];
    const remembered: string[][] = [];
    const source = new ClusterSource({
      peerUrls: ['http://p1', 'http://p2', 'http://p3'],
      ask: async (url) => {
        asked.push(url);
        if (url === 'http://p1') throw new Error('connection refused');
        return answer([
          { id: 2, peerURLs: ['http://p3'], name: 'b', clientURLs: ['http://c3'] },
          { id: 1, peerURLs: ['http://p2'], name: 'a', clientURLs: ['http://c2'] },
          { id: 3, peerURLs: ['http://p4'] }, // added, not started: no client URLs yet
        ]);
      },
      remember: async (urls) => void remembered.push(urls),
      log: quiet,
    });
    expect(await source.clientUrls()).toEqual(['http://c2', 'http://c3']);
    expect(asked).toEqual(['http://p1', 'http://p2']);
    expect(remembered).toEqual([['http://p2', 'http://p3', 'http://p4']]);
    expect(source.knownPeerUrls()).toEqual(['http://p2', 'http://p3', 'http://p4']);
  });

  it('skips answers without a list or a cluster id, and stops at an empty list, as etcd', async () => {
    const answers: Record<string, PeerAnswer> = {
      'http://p1': { clusterId: 'abc', body: 'not json' },
      'http://p2': { clusterId: undefined, body: JSON.stringify([{ peerURLs: ['http://p2'], clientURLs: ['http://c2'] }]) },
      'http://p3': answer([]),
      'http://p4': answer([{ peerURLs: ['http://p4'], clientURLs: ['http://c4'] }]),
    };
    const source = new ClusterSource({ peerUrls: Object.keys(answers), ask: async (u) => answers[u], remember: async () => {}, log: quiet });
    expect(await source.clientUrls()).toEqual([]);
    expect(source.knownPeerUrls()).toEqual(Object.keys(answers));
  });
});

describe('the cluster file', () => {
  it("is etcd's {\"PeerURLs\":[...]} and reads back; absent, it is undefined", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'proxy-')), 'cluster');
    expect(await readClusterFile(file)).toBeUndefined();
    await writeClusterFile(file, ['http://10.0.0.1:2380', 'http://10.0.0.2:2380']);
    expect(await readFile(file, 'utf8')).toBe('{"PeerURLs":["http://10.0.0.1:2380","http://10.0.0.2:2380"]}');
    expect(await readClusterFile(file)).toEqual(['http://10.0.0.1:2380', 'http://10.0.0.2:2380']);
  });
});
