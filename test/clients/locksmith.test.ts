// locksmith's reboot semaphore, done the way locksmith does it, by many workers at once against
// three real raftkv processes: create with prevExist=false (105 ignored), then GET → change the
// JSON → PUT with prevIndex=<modifiedIndex>, retrying on 101.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';
import { crashedMemberLogs } from './support/cluster-state.js';

const KEY = '/coreos.com/updateengine/rebootlock/semaphore';

interface Semaphore {
  semaphore: number;
  max: number;
  holders: string[];
}

/** Outcome of one GET → modify → PUT round, as locksmith's lock and unlock see it. */
type Round = 'done' | 'retry' | 'busy';

/** Like locksmith's client, give up on one request after a while and try again. */
const REQUEST_TIMEOUT_MS = 2000;

class LocksmithClient {
  casFailures = 0;

  constructor(private readonly base: () => string, readonly id: string) {}

  async init(max: number): Promise<number> {
    const res = await v2(this.base(), 'PUT', `${KEY}?prevExist=false`, { value: JSON.stringify({ semaphore: max, max, holders: [] }) });
    if (res.status !== 201 && res.body?.errorCode !== 105) throw new Error(`init: ${res.status} ${JSON.stringify(res.body)}`);
    return res.status;
  }

  async read(): Promise<{ sem: Semaphore; index: number }> {
    const res = await v2(this.base(), 'GET', KEY, {}, REQUEST_TIMEOUT_MS);
    if (res.status !== 200) throw new Error(`GET: ${res.status} ${JSON.stringify(res.body)}`);
    return { sem: JSON.parse(res.body.node.value), index: res.body.node.modifiedIndex };
  }

  /** One attempt to change the semaphore; `change` answers false when this change cannot happen now. */
  private async round(change: (sem: Semaphore) => boolean): Promise<Round> {
    let read;
    try {
      read = await this.read();
    } catch {
      return 'retry';
    }
    if (!change(read.sem)) return 'busy';
    let res;
    try {
      res = await v2(this.base(), 'PUT', `${KEY}?prevIndex=${read.index}`, { value: JSON.stringify(read.sem) }, REQUEST_TIMEOUT_MS);
    } catch {
      return 'retry'; // unknown outcome: the next round reads what happened
    }
    if (res.status === 200) return 'done';
    if (res.body?.errorCode === 300) return 'retry'; // 500 "request timed out" while a leader is lost: unknown outcome too
    if (res.body?.errorCode === 101) {
      this.casFailures++;
      return 'retry';
    }
    throw new Error(`CAS: ${res.status} ${JSON.stringify(res.body)}`);
  }

  private async until(change: (sem: Semaphore) => boolean | 'already', deadline: number): Promise<void> {
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      let already = false;
      const outcome = await this.round((sem) => {
        const answer = change(sem);
        already = answer === 'already';
        return answer === true;
      });
      if (outcome === 'done' || already) return;
      if (outcome === 'busy') await sleep(5 + Math.random() * 20);
      else if (attempt > 3) await sleep(Math.random() * 10);
    }
    throw new Error(`${this.id} gave up`);
  }

  /** locksmith's Lock: take a slot unless we hold one already ("already holding" counts as taken). */
  lock(deadline: number): Promise<void> {
    return this.until((sem) => {
      if (sem.holders.includes(this.id)) return 'already';
      if (sem.semaphore <= 0) return false;
      sem.semaphore--;
      sem.holders.push(this.id);
      return true;
    }, deadline);
  }

  /** locksmith's Unlock: give the slot back unless we do not hold one. */
  unlock(deadline: number): Promise<void> {
    return this.until((sem) => {
      if (!sem.holders.includes(this.id)) return 'already';
      sem.semaphore++;
      sem.holders = sem.holders.filter((h) => h !== this.id);
      return true;
    }, deadline);
  }
}

describe("locksmith's reboot semaphore on a three-member raftkv cluster", { timeout: CLUSTER_TEST_MS }, () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3 });
  });
  afterAll(async () => {
    const crashed = cluster ? crashedMemberLogs(cluster) : '';
    await cluster?.stop();
    expect(crashed, 'no member dies on its own').toBe('');
  });

  /** The semaphore as the cluster has it now (a quorum read: a member's local copy may lag). */
  async function state(): Promise<Semaphore> {
    const res = await v2(cluster.url(0), 'GET', KEY, { quorum: true });
    return JSON.parse(res.body.node.value);
  }

  /** A free max-2 semaphore, whatever an earlier test left behind. */
  async function reset(): Promise<void> {
    expect((await v2(cluster.url(0), 'PUT', KEY, { value: JSON.stringify({ semaphore: 2, max: 2, holders: [] }) })).status).toBe(200);
  }

  it('creates the semaphore once; a second create gets 105 and changes nothing', async () => {
    const a = new LocksmithClient(() => cluster.url(0), 'a');
    const b = new LocksmithClient(() => cluster.url(1), 'b');
    expect(await a.init(2)).toBe(201);
    const first = await a.read();
    expect(await b.init(5)).toBe(412);
    const res = await v2(cluster.url(2), 'PUT', `${KEY}?prevExist=false`, { value: '{}' });
    expect(res.body).toEqual({ errorCode: 105, message: 'Key already exists', cause: KEY, index: first.index });
    expect(await a.read()).toEqual({ sem: { semaphore: 2, max: 2, holders: [] }, index: first.index });
  });

  it('a PUT with a stale prevIndex fails with 101 and leaves the value alone', async () => {
    const client = new LocksmithClient(() => cluster.url(0), 'x');
    const { sem, index } = await client.read();
    const ok = await v2(cluster.url(1), 'PUT', `${KEY}?prevIndex=${index}`, { value: JSON.stringify(sem) });
    expect(ok.status).toBe(200);
    expect(ok.body.action).toBe('compareAndSwap');
    const now = ok.body.node.modifiedIndex;
    const stale = await v2(cluster.url(2), 'PUT', `${KEY}?prevIndex=${index}`, { value: '{"semaphore":0,"max":2,"holders":["x","y"]}' });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({ errorCode: 101, message: 'Compare failed', cause: `[${index} != ${now}]`, index: now });
    expect(await state()).toEqual({ semaphore: 2, max: 2, holders: [] });
  });

  /** Every client takes and releases the semaphore `rounds` times; returns the most holders seen at once. */
  async function contend(clients: LocksmithClient[], rounds: number, max: number, during?: () => Promise<void>): Promise<number> {
    const holding = new Set<string>();
    let maxSeen = 0;
    let takes = 0;
    const deadline = Date.now() + CLUSTER_WAIT_MS;
    const worker = async (client: LocksmithClient): Promise<void> => {
      for (let r = 0; r < rounds; r++) {
        await client.lock(deadline);
        holding.add(client.id);
        maxSeen = Math.max(maxSeen, holding.size);
        expect(holding.size, `holders after ${client.id} took the lock: ${[...holding]}`).toBeLessThanOrEqual(max);
        takes++;
        await sleep(Math.random() * 10);
        holding.delete(client.id); // before the release is acknowledged: nobody can take the slot earlier
        await client.unlock(deadline);
      }
    };
    await Promise.all([...clients.map(worker), during?.()]);
    expect(takes).toBe(clients.length * rounds);
    return maxSeen;
  }

  it('admits max holders at once and no more until one releases', async () => {
    await reset();
    const [a, b, c] = ['a', 'b', 'c'].map((id, i) => new LocksmithClient(() => cluster.url(i), id));
    const soon = Date.now() + CLUSTER_WAIT_MS;
    await a!.lock(soon);
    await b!.lock(soon);
    await expect(c!.lock(Date.now() + 500)).rejects.toThrow('c gave up');
    expect(await state()).toEqual({ semaphore: 0, max: 2, holders: ['a', 'b'] });
    await a!.unlock(soon);
    await c!.lock(soon);
    expect(await state()).toEqual({ semaphore: 0, max: 2, holders: ['b', 'c'] });
    await b!.unlock(soon);
    await c!.unlock(soon);
    expect(await state()).toEqual({ semaphore: 2, max: 2, holders: [] });
  });

  it('eight workers taking and releasing a max-2 semaphore never hold it more than twice over', async () => {
    await reset();
    const clients = Array.from({ length: 8 }, (_, w) => new LocksmithClient(() => cluster.url(w % 3), `machine-${w}`));
    expect(await contend(clients, 5, 2)).toBeLessThanOrEqual(2);
    expect(clients.reduce((n, c) => n + c.casFailures, 0), 'the workers really raced').toBeGreaterThan(0);
    expect(await state()).toEqual({ semaphore: 2, max: 2, holders: [] });
  });

  it('keeps the semaphore safe while the leader is killed and the workers retry through the others', async () => {
    await reset();
    const leader = await cluster.waitForLeader();
    // Workers talk only to the members that stay up, as locksmith would after failing over.
    const up = [0, 1, 2].filter((i) => i !== leader);
    const clients = Array.from({ length: 6 }, (_, w) => new LocksmithClient(() => cluster.url(up[w % 2]!), `node-${w}`));
    const killLeader = async (): Promise<void> => {
      await sleep(100);
      await cluster.kill(leader);
    };
    try {
      expect(await contend(clients, 5, 2, killLeader)).toBeLessThanOrEqual(2);
    } finally {
      await cluster.restart(leader);
    }
    const res = await v2(cluster.url(leader), 'GET', KEY, { quorum: true });
    expect(JSON.parse(res.body.node.value)).toEqual({ semaphore: 2, max: 2, holders: [] });
  });
});
