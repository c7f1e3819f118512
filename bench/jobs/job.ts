// A job is what a load worker runs: it generates one kind of load against the members' client
// URLs and returns what its recorder measured.
import type { FromWorker, LoadResult, ToWorker } from '../load-protocol.js';
import type { Recorder } from '../recorder.js';

export interface JobSession {
  recorder: Recorder;
  /** Calls `listener` with each message the harness sends during the job (a fault, say). */
  onMessage(listener: (message: ToWorker) => void): void;
  /** Tells the harness something it is waiting for. */
  report(message: FromWorker): void;
}

export type Job<P> = (params: P, session: JobSession) => Promise<LoadResult>;

/** Connections per member so that `clients` spread round-robin never queue behind each other. */
export function connectionsFor(clients: number, endpoints: string[]): number {
  return Math.ceil(clients / endpoints.length);
}
