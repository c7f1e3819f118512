// Failover: writes of distinct keys at fixed concurrency while the harness kill -9s the leader.
// A client whose member fails moves on to the next one. Measures the time from the kill to
// the first write acknowledged in a later Raft term (the new leader's first commit), and
// afterwards reads every acknowledged key back: an acknowledged write that is gone is lost.
import { sleep } from '../harness/wait.js';
import { closedLoop } from '../closed-loop.js';
import { ok, V2Client, type V2Node } from '../load-client.js';
import { valueOf } from '../payload.js';
import { connectionsFor, type Job, type Kill } from './job.js';

export interface FailoverParams {
  endpoints: string[];
  concurrency: number;
  valueSize: number;
  prefix: string;
}

// Once the cluster recovers, keep writing this long to show throughput after the failover,
// but give up on a recovery that has not happened this long after the kill.
const AFTER_RECOVERY_MS = 1000;
const RECOVERY_CAP_MS = 30_000;
const VERIFY_TIMEOUT_MS = 20_000;

export const failoverJob: Job<FailoverParams> = async (p, { recorder, killed }) => {
  const n = p.endpoints.length;
  const client = new V2Client(p.endpoints, connectionsFor(p.concurrency, p.endpoints) + 1);
  const acknowledged = new Map<string, string>();
  const memberOf = Array.from({ length: p.concurrency }, (_, c) => c % n);
  let latestTerm = 0;
  let kill: (Kill & { term: number }) | undefined;
  let recoveredAt: number | undefined;
  void killed.then((k) => {
    kill = { ...k, term: latestTerm };
    recorder.keepRunningWhile(() => recoveredAt === undefined || Date.now() < recoveredAt + AFTER_RECOVERY_MS, RECOVERY_CAP_MS);
  });

  await closedLoop(recorder, p.concurrency, async (c, seq) => {
    const key = `${p.prefix}/${c}-${seq}`;
    const value = valueOf(key, p.valueSize);
    let term: number;
    try {
      term = ok(await client.put(memberOf[c]!, key, { value })).term;
    } catch (err) {
      memberOf[c] = (memberOf[c]! + 1) % n;
      throw err;
    }
    acknowledged.set(key, value);
    if (kill && recoveredAt === undefined && term > kill.term) recoveredAt = Date.now();
    latestTerm = Math.max(latestTerm, term);
  });

  const survivor = [...Array(n).keys()].find((i) => i !== kill?.member)!;
  const stored = await readBack(client, survivor, p.prefix);
  let lost = 0;
  for (const [key, value] of acknowledged) if (stored.get(key) !== value) lost++;
  await client.close();
  const result = recorder.result();
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  return {
    ...result,
    notes: {
      'recovery ms': kill && recoveredAt !== undefined ? recoveredAt - kill.at : 'never',
      errors,
      'acknowledged writes': acknowledged.size,
      'acknowledged writes lost': lost,
      'kill at s': kill ? (kill.at - result.measureStartedAt) / 1000 : 'no kill',
    },
  };
};

/** Every key under `prefix`, read linearizably from `member`, retried while the cluster settles. */
async function readBack(client: V2Client, member: number, prefix: string): Promise<Map<string, string>> {
  const deadline = Date.now() + VERIFY_TIMEOUT_MS;
  for (;;) {
    try {
      const dir = ok(await client.get(member, prefix, { recursive: 'true', quorum: 'true' })).body.node!;
      return new Map((dir.nodes ?? []).map((node: V2Node) => [node.key, node.value ?? '']));
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}
