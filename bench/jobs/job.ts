// A job is what a load worker runs: it generates one kind of load against the members' client
// URLs and returns what its recorder measured.
import type { LoadResult } from '../load-protocol.js';
import type { Recorder } from '../recorder.js';

export interface Kill {
  member: number;
  /** Epoch ms. */
  at: number;
}

export interface JobSession {
  recorder: Recorder;
  /** Resolves if the harness kill -9s a member during the job. */
  killed: Promise<Kill>;
}

export type Job<P> = (params: P, session: JobSession) => Promise<LoadResult>;

/** Connections per member so that `clients` spread round-robin never queue behind each other. */
export function connectionsFor(clients: number, endpoints: string[]): number {
  return Math.ceil(clients / endpoints.length);
}
