// SIGTERM on a leader that clients are writing to: it stops accepting connections, hands
// leadership to a caught-up peer, answers the writes it already holds (a write it dropped while
// handing over is offered again to the new leader) and only then closes the connections left. So no
// client of it sees a broken connection for a write that was applied: every write it sent before
// the signal gets its real answer.
import { describe, expect, it } from 'vitest';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';

const WRITERS = 12;
/** Writing before the signal, and at most this long after it (the leader's port closes at once). */
const WRITE_MS = 1000;

type Outcome = 'ok' | 'error answer' | 'broken' | 'refused';

interface Attempt {
  key: string;
  sentAt: number;
  answeredAt: number;
  outcome: Outcome;
}

/** A request that never reached the server (its port closed) is refused; one cut off after it was sent is broken. */
function failureOf(err: unknown): Outcome {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' ? 'refused' : 'broken';
}

async function writeUntil(url: string, writer: number, until: () => boolean, attempts: Attempt[]): Promise<void> {
  for (let n = 0; !until(); n++) {
    const key = `/graceful/w${writer}-${n}`;
    const sentAt = Date.now();
    let outcome: Outcome;
    try {
      const res = await v2(url, 'PUT', key, { value: key }, 30_000);
      outcome = res.status < 300 ? 'ok' : 'error answer';
    } catch (err) {
      outcome = failureOf(err);
    }
    attempts.push({ key, sentAt, answeredAt: Date.now(), outcome });
    if (outcome === 'refused') return;
  }
}

describe('SIGTERM on a leader under writes', () => {
  let cluster: ProcessCluster;
  useCluster({ size: 3, heartbeatMs: 100, electionMs: 1000, label: 'graceful-stop' }, (c) => (cluster = c), { noCrashes: true });

  it('answers every write it holds; none applied is answered with a broken connection', async () => {
    const leader = await cluster.waitForLeader();
    const survivor = (leader + 1) % 3;
    const attempts: Attempt[] = [];
    let signalledAt = Infinity;
    const done = (): boolean => Date.now() > signalledAt + WRITE_MS;
    const writers = Array.from({ length: WRITERS }, (_, w) => writeUntil(cluster.url(leader), w, done, attempts));
    await sleep(WRITE_MS);
    signalledAt = Date.now();
    const exit = await cluster.terminate(leader);
    await Promise.all(writers);
    expect(exit.code, 'the old leader exits 0 after SIGTERM').toBe(0);

    const inFlight = attempts.filter((a) => a.sentAt < signalledAt && a.answeredAt >= signalledAt);
    const counts = (list: Attempt[]): Record<string, number> => Object.fromEntries(['ok', 'error answer', 'broken', 'refused'].map((o) => [o, list.filter((a) => a.outcome === o).length]));
    console.log(`writes in flight at SIGTERM: ${JSON.stringify(counts(inFlight))}; all: ${JSON.stringify(counts(attempts))}`);
    expect(inFlight.filter((a) => a.outcome === 'ok').length, 'writes in flight at the signal answered after it').toBeGreaterThan(0);

    await cluster.waitForLeader();
    const brokenButApplied: string[] = [];
    for (const a of attempts.filter((x) => x.outcome === 'broken')) {
      const read = await v2(cluster.url(survivor), 'GET', a.key, { quorum: true });
      if (read.status === 200) brokenButApplied.push(a.key);
    }
    expect(brokenButApplied, 'writes applied whose client saw a broken connection').toEqual([]);
    for (const a of inFlight.filter((x) => x.outcome === 'ok')) {
      const read = await v2(cluster.url(survivor), 'GET', a.key, { quorum: true });
      expect(read.status, `acknowledged ${a.key} is on the survivors`).toBe(200);
    }
    cluster.spawn(leader);
    await cluster.waitForLeader();
  }, CLUSTER_TEST_MS);
});
