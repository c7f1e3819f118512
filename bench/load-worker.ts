// The load generator process, forked by the harness so that generating load does not share an
// event loop with the harness (or, for raftkv, with anything measured). It runs one job and exits.
import type { JobSession } from './jobs/job.js';
import { jobs, type JobKind } from './jobs/index.js';
import type { FromWorker, ToWorker } from './load-protocol.js';
import { Recorder } from './recorder.js';

function send(message: FromWorker): void {
  process.send!(message);
}

const listeners: ((message: ToWorker) => void)[] = [];
let recorder: Recorder | undefined;

// The harness gone means nobody wants the load any more.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'finish':
      recorder?.finish();
      return;
    case 'job': {
      recorder = new Recorder(message.timing, send);
      const session: JobSession = { recorder, onMessage: (listener) => listeners.push(listener), report: send };
      const job = jobs[message.kind as JobKind] as (params: unknown, session: JobSession) => ReturnType<(typeof jobs)[JobKind]>;
      job(message.params, session).then(
        (result) => process.send!({ type: 'result', result } satisfies FromWorker, () => process.exit(0)),
        (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies FromWorker, () => process.exit(1)),
      );
      return;
    }
    default:
      for (const listener of listeners) listener(message);
  }
});
