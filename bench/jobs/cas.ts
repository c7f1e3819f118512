// compareAndSwap contention: every client increments one counter with PUT ?prevIndex=, re-reading
// it and retrying whenever another client got there first. One operation is one increment,
// however many attempts it took.
import { closedLoop } from '../closed-loop.js';
import { OpError, ok, V2Client } from '../load-client.js';
import { connectionsFor, type Job } from './job.js';

export interface CasParams {
  endpoints: string[];
  clients: number;
  key: string;
}

const COMPARE_FAILED = 101;

export const casJob: Job<CasParams> = async (p, { recorder }) => {
  const client = new V2Client(p.endpoints, connectionsFor(p.clients, p.endpoints));
  ok(await client.put(0, p.key, { value: '0' }));
  let increments = 0;
  let retries = 0;
  await closedLoop(recorder, p.clients, async (c) => {
    for (;;) {
      const current = ok(await client.get(c, p.key)).body.node!;
      const res = await client.put(c, p.key, { value: String(Number(current.value) + 1) }, { prevIndex: String(current.modifiedIndex) });
      if (res.status < 300) break;
      if (res.body.errorCode !== COMPARE_FAILED) throw new OpError(`http ${res.status} code ${res.body.errorCode}`);
      if (recorder.measuring) retries++;
    }
    increments++;
  });
  // Every successful swap must have counted exactly once.
  const final = Number(ok(await client.get(0, p.key, { quorum: 'true' })).body.node!.value);
  await client.close();
  const result = recorder.result();
  return { ...result, notes: { retries, 'retries/success': retries / Math.max(1, result.ops), 'counter ok': final === increments ? 'yes' : `NO (${final} != ${increments})` } };
};
