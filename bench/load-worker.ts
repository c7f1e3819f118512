// The load generator process, forked by the harness so that generating load does not share an
// event loop with the harness (or, for raftkv, with anything measured). It runs one job and exits.
import type { Kill } from './jobs/job.js';
import { jobs, type JobKind } from './jobs/index.js';
import type { FromWorker, ToWorker } from './load-protocol.js';
import { Recorder } from './recorder.js';

function send(message: FromWorker): void {
  process.send!(message);
}

let reportKill: (kill: Kill) => void = () => {};
const killed = new Promise<Kill>((resolve) => (reportKill = resolve));

// The harness gone means nobody wants the load any more.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToWorker) => {
  if (message.type === 'killed') {
    reportKill({ member: message.member, at: message.at });
    return;
  }
  const recorder = new Recorder(message.timing, send);
  const job = jobs[message.kind as JobKind] as (params: unknown, session: { recorder: Recorder; killed: Promise<Kill> }) => ReturnType<(typeof jobs)[JobKind]>;
  job(message.params, { recorder, killed }).then(
    (result) => process.send!({ type: 'result', result } satisfies FromWorker, () => process.exit(0)),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies FromWorker, () => process.exit(1)),
  );
});
