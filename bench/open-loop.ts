// Open-loop load: operations started on a fixed schedule, `perSecond` a second, whether or not
// earlier ones have been answered, while the recorder says the job runs. The offered rate does not
// bend to the target: one that cannot keep up shows a lower achieved rate, and latencies (counted
// from each operation's scheduled start) that grow, rather than quietly being offered less.
import { closedLoop } from './closed-loop.js';
import { sleep } from './harness/wait.js';
import { errorKind } from './load-client.js';
import type { Recorder } from './recorder.js';

export interface Schedule {
  perSecond: number;
  /** Operation n runs as client `n % lanes`, its seq `floor(n / lanes)`: the clients of a closed loop. */
  lanes: number;
  /** A scheduled operation is not sent, and counts as failed, while this many are unanswered. */
  maxInFlight: number;
  /** False when the job counts something else as its operations (a watch's notifications). */
  recordSuccesses?: boolean;
}

/** `op(client, seq)` throws on failure; a failed operation is not retried (the schedule goes on). */
export async function openLoop(recorder: Recorder, schedule: Schedule, op: (client: number, seq: number) => Promise<void>): Promise<void> {
  const intervalMs = 1000 / schedule.perSecond;
  const pending = new Set<Promise<void>>();
  recorder.start();
  const startedAt = performance.now();
  for (let n = 0; recorder.running;) {
    // Every operation due by now starts now: a generator that fell behind catches up.
    for (const due = (performance.now() - startedAt) / intervalMs; n <= due; n++) {
      if (pending.size >= schedule.maxInFlight) {
        recorder.failure(`not sent: ${schedule.maxInFlight} in flight`);
        continue;
      }
      const scheduledAt = startedAt + n * intervalMs;
      const done: Promise<void> = op(n % schedule.lanes, Math.floor(n / schedule.lanes)).then(
        () => {
          if (schedule.recordSuccesses !== false) recorder.success(scheduledAt);
        },
        (err: unknown) => recorder.failure(errorKind(err)),
      ).finally(() => pending.delete(done));
      pending.add(done);
    }
    await sleep(Math.max(0, startedAt + n * intervalMs - performance.now()));
  }
  await Promise.all(pending);
  recorder.finish();
}

/** Open loop at `rate` operations a second when given, else a closed loop of `concurrency` clients. */
export function loadLoop(recorder: Recorder, p: { concurrency: number; rate?: number }, op: (client: number, seq: number) => Promise<void>,
  totalOps?: number): Promise<void> {
  if (p.rate === undefined) return closedLoop(recorder, p.concurrency, op, totalOps);
  if (totalOps !== undefined) throw new Error('an open loop runs for the timed window, not for a count of operations');
  return openLoop(recorder, { perSecond: p.rate, lanes: p.concurrency, maxInFlight: Math.max(p.concurrency, Math.ceil(p.rate)) }, op);
}
