// The harness side of a load job: forks a worker, hands it the job, relays its progress to the
// progress line, lets the caller act once measuring starts (the failover's faults), and returns
// the worker's result.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { trackChild } from './harness/child-registry.js';
import type { JobKind, JobParams } from './jobs/index.js';
import type { FromWorker, LoadResult, Timing, ToWorker } from './load-protocol.js';
import type { ProgressLine } from './progress-line.js';

const WORKER = resolve(import.meta.dirname, 'load-worker.js');

/** What the caller acting during a job can do with its worker. */
export interface WorkerLink {
  send(message: ToWorker): void;
  /** Resolves with the epoch ms of the first write acknowledged by the leader that followed fault `fault`. */
  resumed(fault: number): Promise<number>;
  /** Resolves once every client has had an answer to a write it sent at or after epoch ms `since`. */
  settled(since: number): Promise<void>;
}

/** Promises of the worker's reports, by what they report, made by whichever comes first: the wait or the report. */
class Reports {
  private readonly entries = new Map<string, { promise: Promise<number>; resolve: (value: number) => void }>();

  get(key: string): { promise: Promise<number>; resolve: (value: number) => void } {
    let entry = this.entries.get(key);
    if (!entry) {
      let resolve: (value: number) => void = () => {};
      const promise = new Promise<number>((r) => (resolve = r));
      entry = { promise, resolve };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

export function runLoad<K extends JobKind>(label: string, kind: K, params: JobParams<K>, timing: Timing,
  progress: ProgressLine, onMeasuring?: (worker: WorkerLink) => Promise<void>): Promise<LoadResult> {
  const worker = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  trackChild(worker);
  const reports = new Reports();
  const link: WorkerLink = {
    send: (message) => worker.send(message),
    resumed: (fault) => reports.get(`resumed ${fault}`).promise,
    settled: async (since) => {
      link.send({ type: 'settle', since });
      await reports.get(`settled ${since}`).promise;
    },
  };
  return new Promise<LoadResult>((resolvePromise, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      worker.kill('SIGKILL');
      reject(err);
    };
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'measuring':
          onMeasuring?.(link).catch(fail);
          break;
        case 'progress':
          progress.update(`${label}  ${message.phase} ${(message.elapsedMs / 1000).toFixed(1)} s  ops ${message.ops}`);
          break;
        case 'resumed':
          reports.get(`resumed ${message.fault}`).resolve(message.at);
          break;
        case 'settled':
          reports.get(`settled ${message.since}`).resolve(message.since);
          break;
        case 'result':
          settled = true;
          progress.done(`${label}  ${message.result.ops} ops in ${message.result.seconds.toFixed(1)} s`);
          resolvePromise(message.result);
          break;
        case 'error':
          fail(new Error(`load worker failed on ${label}: ${message.message}`));
          break;
      }
    });
    worker.on('error', fail);
    worker.once('exit', (code, signal) => fail(new Error(`load worker for ${label} exited (${signal ?? code}) without a result`)));
    link.send({ type: 'job', kind, params, timing });
  });
}
