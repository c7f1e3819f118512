// Watches open on a follower that is cut off, falls behind the compacted log and is sent a
// snapshot: none hangs. On real processes, with the follower's peer links cut by fault proxies
// (a paused process would still read what the kernel buffered for it). Events the new history
// holds are delivered; a watch whose next event left the history ends with no body, and asking
// again from its index hears etcd's 401; a watch with nothing to see wakes on the next write.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { ProxiedCluster } from '../jepsen/proxied-cluster.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { pool, v2 } from '../support/http.js';

/** A watch response as it arrives: status, and every byte so far. */
interface OpenWatch {
  status: number;
  text(): string;
  ended: Promise<void>;
}

function openWatch(base: string, key: string, query: string): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/v2/keys${key}?${query}`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        const ended = new Promise<void>((done) => res.on('end', done).on('close', done));
        resolve({ status: res.statusCode ?? 0, text: () => body, ended });
      })
      .on('error', reject);
  });
}

function values(lines: string): string[] {
  return lines
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l).node.value);
}

const SNAPSHOT_EVERY = 100;

describe('watches on a follower that installs a snapshot', () => {
  let cluster: ProxiedCluster;
  let leader: number;
  let behind: number;
  const url = (i: number): string => cluster.processes.url(i);
  const indexOf = async (i: number): Promise<number> => Number((await v2(url(i), 'GET', '/')).headers.get('x-etcd-index'));
  const put = async (key: string, value: string): Promise<void> => {
    const res = await v2(url(leader), 'PUT', key, { value });
    expect(res.status, `PUT ${key}`).toBeLessThan(300);
  };
  const fill = (n: number, prefix: string): Promise<void> => pool(n, 16, (i) => put(`/fill/${prefix}${i % 10}`, String(i)));
  const snapshotsInstalled = (): number => cluster.processes.logs(behind).split('installed snapshot from leader').length - 1;

  /** Cuts the follower off while `writes` run, heals, and waits until it has caught up through a snapshot. */
  async function fallBehindAndCatchUp(writes: () => Promise<void>): Promise<void> {
    const installed = snapshotsInstalled();
    const others = [0, 1, 2].filter((i) => i !== behind);
    cluster.partition([behind], others, { kind: 'drop' });
    await writes();
    const target = await indexOf(leader);
    cluster.healNetwork();
    await waitFor('the cut-off follower to catch up', async () => (await indexOf(behind)) >= target, CLUSTER_WAIT_MS, () => cluster.processes.outputTail(behind));
    await waitFor('the follower to log a snapshot installed from the leader', () => snapshotsInstalled() > installed, CLUSTER_WAIT_MS);
  }

  beforeAll(async () => {
    cluster = await ProxiedCluster.start(3, 50, 500, SNAPSHOT_EVERY);
    leader = await cluster.processes.waitForLeader();
    behind = (leader + 1) % 3;
  }, CLUSTER_TEST_MS);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('delivers what the new history holds, ends a watch whose events left it (asking again hears 401), and keeps the rest', async () => {
    const on = url(behind);
    const kept = await openWatch(on, '/w/k', 'wait=true');
    const stream = await openWatch(on, '/w/s', 'wait=true&stream=true');
    const quiet = await openWatch(on, '/w/quiet', 'wait=true');
    // A write the follower sees live, so the watches above are registered before it is cut off.
    await put('/w/ready', 'x');
    await waitFor('the follower to apply a write', async () => (await indexOf(behind)) >= (await indexOf(leader)), CLUSTER_WAIT_MS);

    // Fewer events than the 1000-event history: what the follower missed is all in the snapshot's.
    await fallBehindAndCatchUp(async () => {
      await put('/w/k', 'kept');
      await put('/w/s', '1');
      await fill(300, 'a');
      await put('/w/s', '2');
    });
    await kept.ended;
    expect(values(kept.text())).toEqual(['kept']);
    await waitFor('the stream to deliver both skipped events', () => values(stream.text()).length >= 2, CLUSTER_WAIT_MS);
    expect(values(stream.text())).toEqual(['1', '2']);
    expect(quiet.text()).toBe('');
    await put('/w/quiet', 'woken');
    await quiet.ended;
    expect(values(quiet.text())).toEqual(['woken']);

    // More events than the history holds: a watch from before them cannot be answered, and the
    // stream, which would have to skip them, ends too.
    const from = (await indexOf(behind)) + 1;
    const early = await openWatch(on, '/w/early', 'wait=true');
    await fallBehindAndCatchUp(async () => {
      await put('/w/early', 'gone');
      await fill(1200, 'b');
    });
    await early.ended;
    expect(early.status).toBe(200);
    expect(early.text()).toBe('');
    const again = await v2(on, 'GET', '/w/early', { wait: true, waitIndex: from });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ errorCode: 401, message: 'The event in requested index is outdated and cleared' });
    await stream.ended;
    expect(values(stream.text())).toEqual(['1', '2']);
  }, CLUSTER_TEST_MS);
});
