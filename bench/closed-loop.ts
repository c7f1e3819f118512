// Closed-loop load: `clients` concurrent callers, each issuing its next operation as soon as the
// previous one finishes, while the recorder says the job runs — or, given `totalOps`, until
// that many operations have succeeded.
import { sleep } from './harness/wait.js';
import { errorKind } from './load-client.js';
import type { Recorder } from './recorder.js';

// A failed call is retried after a short pause, as a real client would, rather than spinning
// on a member that refuses connections.
const PAUSE_AFTER_FAILURE_MS = 20;

/**
 * `op(client, seq)` throws on failure, and is then retried with the same seq. seq counts a
 * client's operations from 0, or with `totalOps` numbers the operations across all clients.
 */
export async function closedLoop(recorder: Recorder, clients: number,
  op: (client: number, seq: number) => Promise<void>, totalOps?: number): Promise<void> {
  let claimed = 0;
  recorder.start();
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    const next = (seq: number): number => (totalOps === undefined ? seq + 1 : claimed++);
    for (let seq = next(-1); recorder.running && (totalOps === undefined || seq < totalOps);) {
      const startedAt = performance.now();
      try {
        await op(client, seq);
        recorder.success(startedAt);
        seq = next(seq);
      } catch (err) {
        recorder.failure(errorKind(err));
        await sleep(PAUSE_AFTER_FAILURE_MS);
      }
    }
  }));
  recorder.finish();
}
