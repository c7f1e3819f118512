// Watch notifications at a fixed rate: `watchers` long polls (wait=true, recursive) on one
// directory, spread over the members, each polling again as soon as it is answered, while one
// writer puts a key into the directory on the leader `writesPerSecond` times a second, open-loop.
// One operation is one watcher's notification, its latency the time from the write being sent
// (carried in the value written) to that watcher's answer.
import { sleep } from '../harness/wait.js';
import { errorKind, ok, V2Client } from '../load-client.js';
import { openLoop } from '../open-loop.js';
import { connectionsFor, type Job } from './job.js';

export interface PacedWatchParams {
  endpoints: string[];
  leader: number;
  watchers: number;
  dir: string;
  writesPerSecond: number;
}

// A write at 1 to 100 a second answered within a few ms needs one or two.
const WRITER_CONNECTIONS = 4;
// After a failed poll, as a real client would, rather than spinning.
const PAUSE_AFTER_FAILURE_MS = 100;

export const pacedWatchJob: Job<PacedWatchParams> = async (p, { recorder }) => {
  // The writer has its own pool so that its PUTs never queue behind the long polls.
  const writer = new V2Client([p.endpoints[p.leader]!], WRITER_CONNECTIONS);
  const watchClient = new V2Client(p.endpoints, connectionsFor(p.watchers, p.endpoints));
  const key = `${p.dir}/k`;
  const firstIndex = ok(await writer.put(0, key, { value: String(performance.now()) })).body.node!.modifiedIndex + 1;
  let stopping = false;

  const watch = async (w: number): Promise<void> => {
    for (let waitIndex = firstIndex; !stopping;) {
      try {
        const query = { wait: 'true', recursive: 'true', waitIndex: String(waitIndex) };
        const node = ok(await watchClient.get(w, p.dir, query, { longPoll: true })).body.node!;
        recorder.record(performance.now() - Number(node.value));
        waitIndex = node.modifiedIndex + 1;
      } catch (err) {
        if (stopping) return;
        recorder.failure(errorKind(err));
        await sleep(PAUSE_AFTER_FAILURE_MS);
      }
    }
  };
  const watching = Array.from({ length: p.watchers }, (_, w) => watch(w));

  let writes = 0;
  const schedule = { perSecond: p.writesPerSecond, lanes: 1, maxInFlight: Math.max(10, Math.ceil(p.writesPerSecond)), recordSuccesses: false };
  await openLoop(recorder, schedule, async () => {
    ok(await writer.put(0, key, { value: String(performance.now()) }));
    if (recorder.measuring) writes++;
  });
  stopping = true;
  await Promise.all([watchClient.close(), writer.close()]);
  await Promise.allSettled(watching);
  const result = recorder.result();
  return { ...result, notes: { watchers: p.watchers, 'writes/s': p.writesPerSecond, 'notifications per write': result.ops / Math.max(1, writes) } };
};
