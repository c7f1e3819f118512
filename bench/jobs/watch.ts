// Watch fan-out: `watchers` long polls (wait=true, recursive) on one directory, spread over the
// members, and one writer putting a key into it on the leader. Each write waits until every
// watcher has seen it; one operation is one watcher's notification, its latency the time from
// the write's acknowledgement to that watcher's response.
import { sleep } from '../harness/wait.js';
import { errorKind, ok, V2Client } from '../load-client.js';
import { connectionsFor, type Job } from './job.js';

export interface WatchParams {
  endpoints: string[];
  leader: number;
  watchers: number;
  dir: string;
}

// A watcher that has not seen a write by then counts as a miss.
const ROUND_TIMEOUT_MS = 5000;

/** The notifications of one write, by modifiedIndex. */
class Round {
  readonly receipts: number[] = [];
  private resolve: (() => void) | undefined;

  constructor(private readonly expected: number) {}

  receive(at: number): void {
    this.receipts.push(at);
    if (this.receipts.length === this.expected) this.resolve?.();
  }

  complete(): Promise<void> {
    if (this.receipts.length === this.expected) return Promise.resolve();
    return new Promise((resolve) => {
      this.resolve = resolve;
      setTimeout(resolve, ROUND_TIMEOUT_MS).unref();
    });
  }
}

export const watchJob: Job<WatchParams> = async (p, { recorder }) => {
  // The writer has its own pool so that its PUTs never queue behind the long polls.
  const writer = new V2Client([p.endpoints[p.leader]!], 1);
  const watchClient = new V2Client(p.endpoints, connectionsFor(p.watchers, p.endpoints));
  const key = `${p.dir}/k`;
  const firstIndex = ok(await writer.put(0, key, { value: '0' })).body.node!.modifiedIndex + 1;
  const rounds = new Map<number, Round>();
  let settledBelow = firstIndex;
  const roundOf = (index: number): Round => {
    let round = rounds.get(index);
    if (!round) rounds.set(index, (round = new Round(p.watchers)));
    return round;
  };
  let stopping = false;

  const watch = async (w: number): Promise<void> => {
    for (let waitIndex = firstIndex; !stopping;) {
      try {
        const query = { wait: 'true', recursive: 'true', waitIndex: String(waitIndex) };
        const index = ok(await watchClient.get(w, p.dir, query, { longPoll: true })).body.node!.modifiedIndex;
        const at = performance.now();
        // A notification arriving after its round timed out was already counted as a miss.
        if (index >= settledBelow) roundOf(index).receive(at);
        waitIndex = index + 1;
      } catch (err) {
        if (stopping) return;
        recorder.failure(errorKind(err));
        await sleep(100);
      }
    }
  };
  const watching = Array.from({ length: p.watchers }, (_, w) => watch(w));

  recorder.start();
  let notified = 0;
  let beforeAck = 0;
  for (let n = 1; recorder.running; n++) {
    const index = ok(await writer.put(0, key, { value: String(n) })).body.node!.modifiedIndex;
    const ackedAt = performance.now();
    const round = roundOf(index);
    await round.complete();
    // A watcher may be answered before the writer reads its acknowledgement: that counts as 0.
    for (const at of round.receipts) recorder.record(Math.max(0, at - ackedAt));
    if (recorder.measuring) {
      notified += round.receipts.length;
      beforeAck += round.receipts.filter((at) => at < ackedAt).length;
    }
    for (let i = round.receipts.length; i < p.watchers; i++) recorder.failure('watcher missed the write');
    rounds.delete(index);
    settledBelow = index + 1;
  }
  stopping = true;
  await Promise.all([watchClient.close(), writer.close()]);
  await Promise.allSettled(watching);
  return recorder.result({ watchers: p.watchers, 'notified before ack %': Math.round((100 * beforeAck) / Math.max(1, notified)) });
};
