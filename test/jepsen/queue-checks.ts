// The in-order keys the workload's POSTs created, as the queue directory lists them at the end,
// checked against the appends (each with its own value) without the watch:
//   - a value listed twice is a POST applied twice (an unsafe retry) — duplicate;
//   - a listed value no append wrote — phantom;
//   - an acknowledged append not listed, or listed under another key than it was told — lost, wrong-index;
//   - an append acknowledged before another was sent, but listed after it — out-of-order
//     (in-order keys are named by their index, so the queue's order is the order of the writes).
import { sleep } from '../../bench/harness/wait.js';
import type { Anomaly } from './applied-writes.js';
import { v2Request } from './etcd-client.js';
import type { AppendOp } from './history.js';

export interface QueueEntry {
  key: string;
  value: string;
  index: number;
}

/** The queue directory's entries, through a quorum read (none if it was never created). */
export async function readQueue(endpoint: string, dir: string, timeoutMs: number): Promise<QueueEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await v2Request(endpoint, 'GET', dir, { recursive: true, sorted: true, quorum: true }, 10_000);
    if (r.kind === 'answer' && r.status === 200) return (r.body.node.nodes ?? []).map((n: any) => ({ key: n.key, value: n.value, index: n.modifiedIndex }));
    if (r.kind === 'answer' && r.body?.errorCode === 100) return [];
    if (Date.now() > deadline) throw new Error(`the queue listing failed: ${JSON.stringify(r).slice(0, 200)}`);
    await sleep(500);
  }
}

export function checkQueue(appends: readonly AppendOp[], listing: readonly QueueEntry[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const byValue = new Map(appends.map((a) => [a.value, a]));
  const listed = new Map<string, QueueEntry[]>();
  for (const e of listing) listed.set(e.value, [...(listed.get(e.value) ?? []), e]);
  const at = (e: QueueEntry): string => `${e.key}@${e.index}`;
  for (const [value, entries] of listed) {
    const a = byValue.get(value);
    if (!a) anomalies.push({ kind: 'phantom', detail: `queue entry ${JSON.stringify(value)} at ${entries.map(at).join(', ')}: no append wrote it` });
    else if (entries.length > 1) anomalies.push({ kind: 'duplicate', detail: `append #${a.id} ${JSON.stringify(value)} (client ${a.client}) is in the queue ${entries.length} times: ${entries.map(at).join(', ')}` });
  }
  for (const a of appends) {
    if (!a.output) continue;
    const entries = listed.get(a.value) ?? [];
    if (entries.length === 0) anomalies.push({ kind: 'lost', detail: `append #${a.id} ${JSON.stringify(a.value)}, acknowledged as ${a.output.key}, is not in the queue` });
    else if (!entries.some((e) => e.key === a.output!.key && e.index === a.output!.index)) anomalies.push({ kind: 'wrong-index', detail: `append #${a.id} ${JSON.stringify(a.value)} was acknowledged as ${a.output.key}@${a.output.index}, listed at ${entries.map(at).join(', ')}` });
  }
  return [...anomalies, ...realTimeOrder(appends)];
}

/** An append acknowledged before another was invoked must have the lower index. */
function realTimeOrder(appends: readonly AppendOp[]): Anomaly[] {
  const acked = appends.filter((a) => a.output);
  const byRet = [...acked].sort((a, b) => a.ret - b.ret);
  const byCall = [...acked].sort((a, b) => a.call - b.call);
  const anomalies: Anomaly[] = [];
  let done = 0;
  let highest: AppendOp | undefined; // the highest-indexed append acknowledged so far
  for (const b of byCall) {
    while (done < byRet.length && byRet[done]!.ret < b.call) {
      const a = byRet[done++]!;
      if (!highest || a.output!.index > highest.output!.index) highest = a;
    }
    if (highest && highest.output!.index > b.output!.index) {
      anomalies.push({ kind: 'out-of-order', detail: `append #${highest.id} was acknowledged at index ${highest.output!.index} before append #${b.id} was sent, which got the lower index ${b.output!.index}` });
    }
  }
  return anomalies;
}
