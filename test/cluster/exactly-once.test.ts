// Writes sent to followers while the leader is killed with -9, several times over, against three
// real members: a follower's write forwarded to the dying leader is offered again to the next
// one, so it is answered once a new leader commits it (not after etcd's 7 s request timeout), and
// takes effect exactly once. In-order POSTs show a write applied twice (its value twice in the
// queue); compare-and-swap increments show it in the counter.
import { describe, expect, it } from 'vitest';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';

const ELECTION_MS = 1000;
/** etcd's wait before it answers a write with a timeout: 5 s and two election timeouts. */
const REQUEST_TIMEOUT_MS = 5000 + 2 * ELECTION_MS;
const KILLS = 3;
const POST_CLIENTS = 6;
const CAS_CLIENTS = 3;
/** Client-side limit on one request: past the request timeout, so every answer is the server's. */
const CLIENT_TIMEOUT_MS = REQUEST_TIMEOUT_MS + 10_000;

type Outcome = 'ok' | 'refused' | 'indeterminate';

interface Attempt {
  kind: 'post' | 'cas';
  value: string;
  sentAt: number;
  answeredAt: number;
  outcome: Outcome;
  answer: string;
}

class Load {
  readonly attempts: Attempt[] = [];
  private running = true;
  private next = 0;
  private readonly clients: Promise<void>[];

  /** `targets`: client URLs the clients write to, the followers of the moment (which outlive a kill). */
  constructor(public targets: string[]) {
    this.clients = [
      ...Array.from({ length: POST_CLIENTS }, (_, c) => this.postClient(c)),
      ...Array.from({ length: CAS_CLIENTS }, () => this.casClient()),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients);
  }

  /** Writes acknowledged among the attempts from the `from`th on. */
  acknowledgedSince(from: number): number {
    return this.attempts.slice(from).filter((a) => a.outcome === 'ok').length;
  }

  private target(): string {
    return this.targets[this.next++ % this.targets.length]!;
  }

  private async postClient(c: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const value = `c${c}-${n}`;
      await this.attempt('post', value, async () => {
        const res = await v2(this.target(), 'POST', '/eo/queue', { value }, CLIENT_TIMEOUT_MS);
        return [res.status === 201 ? 'ok' : 'indeterminate', `${res.status} ${JSON.stringify(res.body)}`];
      });
    }
  }

  private async casClient(): Promise<void> {
    while (this.running) {
      const target = this.target();
      const current = await v2(target, 'GET', '/eo/counter', { quorum: true }, CLIENT_TIMEOUT_MS).catch(() => undefined);
      if (current?.status !== 200) {
        await sleep(50);
        continue;
      }
      const was = Number(current.body.node.value);
      await this.attempt('cas', String(was + 1), async () => {
        const res = await v2(target, 'PUT', '/eo/counter', { value: was + 1, prevValue: was }, CLIENT_TIMEOUT_MS);
        // 412: the compare failed, definitely not applied.
        const outcome = res.status === 200 ? 'ok' : res.status === 412 ? 'refused' : 'indeterminate';
        return [outcome, `${res.status} ${JSON.stringify(res.body)}`];
      });
    }
  }

  private async attempt(kind: Attempt['kind'], value: string, send: () => Promise<[Outcome, string]>): Promise<void> {
    const sentAt = Date.now();
    let outcome: Outcome = 'indeterminate';
    let answer: string;
    try {
      [outcome, answer] = await send();
    } catch (err) {
      answer = String(err);
      await sleep(50); // no answer at all (a refused connection): do not spin
    }
    this.attempts.push({ kind, value, sentAt, answeredAt: Date.now(), outcome, answer });
  }
}

describe('writes to followers while the leader is killed with -9', { timeout: CLUSTER_TEST_MS + KILLS * CLUSTER_WAIT_MS }, () => {
  let cluster: ProcessCluster;
  useCluster({ size: 3, heartbeatMs: 100, electionMs: ELECTION_MS, label: 'exactly-once' }, (c) => (cluster = c), { noCrashes: true });

  it('are answered once a new leader commits them, and every one takes effect at most once: acknowledged POSTs exactly once, the counter at acknowledged increments', async () => {
    const setUp = await v2(cluster.url(0), 'PUT', '/eo/counter', { value: 0 });
    expect(setUp.status).toBe(201);
    const followersOf = (leader: number): string[] => cluster.clientUrls().filter((_, i) => i !== leader);
    const load = new Load(followersOf(await cluster.waitForLeader()));
    const kills: number[] = [];
    try {
      for (let k = 0; k < KILLS; k++) {
        const leader = await cluster.waitForLeader();
        load.targets = followersOf(leader);
        const before = load.attempts.length;
        await waitFor('writes to flow to the followers', () => load.acknowledgedSince(before) >= 20, CLUSTER_WAIT_MS, cluster.recentOutput);
        kills.push(Date.now());
        await cluster.kill(leader);
        await cluster.waitForLeader(CLUSTER_WAIT_MS, [0, 1, 2].filter((i) => i !== leader));
        const after = load.attempts.length;
        await waitFor('writes to flow under the new leader', () => load.acknowledgedSince(after) >= 20, CLUSTER_WAIT_MS, cluster.recentOutput);
        cluster.spawn(leader);
        await waitFor(`the killed member back with a leader`, async () => (await v2(cluster.url(leader), 'GET', '/eo/counter')).status === 200, CLUSTER_WAIT_MS, cluster.recentOutput);
      }
    } finally {
      await load.stop();
    }

    // Writes that were in flight when a leader was killed: answered, none by waiting out the timeout.
    const inFlight = load.attempts.filter((a) => kills.some((at) => a.sentAt <= at && a.answeredAt > at));
    const slowest = Math.max(...inFlight.map((a) => a.answeredAt - a.sentAt));
    console.log(`${load.attempts.length} writes, ${inFlight.length} in flight at ${KILLS} kills; slowest in-flight write ${slowest} ms; outcomes ${JSON.stringify(tally(load.attempts))}`);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((a) => a.outcome === 'indeterminate'), 'writes in flight at a kill left without an answer').toEqual([]);
    expect(slowest).toBeLessThan(REQUEST_TIMEOUT_MS);

    // Every member applied the same: read the queue and the counter on each once they agree.
    await waitFor('every member at the same index', async () => {
      const indexes = await Promise.all(cluster.clientUrls().map(async (url) => (await v2(url, 'GET', '/eo/counter')).headers.get('x-etcd-index')));
      return new Set(indexes).size === 1;
    }, CLUSTER_WAIT_MS, cluster.recentOutput);
    const listings = await Promise.all(cluster.clientUrls().map(async (url) => (await v2(url, 'GET', '/eo/queue', { recursive: true, sorted: true })).body.node.nodes.map((n: { value: string }) => n.value)));
    for (const listing of listings) expect(listing).toEqual(listings[0]);
    const queued = listings[0] as string[];

    const posts = load.attempts.filter((a) => a.kind === 'post');
    const seen = new Map<string, number>();
    for (const v of queued) seen.set(v, (seen.get(v) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1), 'values in the queue twice').toEqual([]);
    expect(posts.filter((a) => a.outcome === 'ok' && seen.get(a.value) !== 1).map((a) => a.value), 'acknowledged POSTs missing').toEqual([]);
    const sent = new Set(posts.map((a) => a.value));
    expect(queued.filter((v) => !sent.has(v))).toEqual([]);

    const cas = load.attempts.filter((a) => a.kind === 'cas');
    const counter = Number((await v2(cluster.url(0), 'GET', '/eo/counter', { quorum: true })).body.node.value);
    const succeeded = cas.filter((a) => a.outcome === 'ok').length;
    const indeterminate = cas.filter((a) => a.outcome === 'indeterminate').length;
    expect(succeeded).toBeGreaterThan(0);
    expect(counter).toBeGreaterThanOrEqual(succeeded);
    expect(counter).toBeLessThanOrEqual(succeeded + indeterminate);
  });
});

function tally(attempts: Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) counts[`${a.kind} ${a.outcome}`] = (counts[`${a.kind} ${a.outcome}`] ?? 0) + 1;
  return counts;
}
