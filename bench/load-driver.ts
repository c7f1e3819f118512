// The harness side of a load job: forks a worker, hands it the job, relays its progress to the
// progress line, lets the caller act once measuring starts (the failover kill), and returns the
// worker's result.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { trackChild } from './harness/child-registry.js';
import type { JobKind, JobParams } from './jobs/index.js';
import type { FromWorker, LoadResult, Timing, ToWorker } from './load-protocol.js';
import type { ProgressLine } from './progress-line.js';

const WORKER = resolve(import.meta.dirname, 'load-worker.js');

export type SendToWorker = (message: ToWorker) => void;

export function runLoad<K extends JobKind>(label: string, kind: K, params: JobParams<K>, timing: Timing,
  progress: ProgressLine, onMeasuring?: (send: SendToWorker) => Promise<void>): Promise<LoadResult> {
  const worker = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  trackChild(worker);
  const send: SendToWorker = (message) => worker.send(message);
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
          onMeasuring?.(send).catch(fail);
          break;
        case 'progress':
          progress.update(`${label}  ${message.phase} ${(message.elapsedMs / 1000).toFixed(1)} s  ops ${message.ops}`);
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
    send({ type: 'job', kind, params, timing });
  });
}
