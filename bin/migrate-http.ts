// The HTTP of `raftkv migrate`: requests to a cluster given as several client URLs, moving on to
// the next URL when one does not answer (or answers 5xx without an etcd error), as etcd's clients
// do, and etcd's v2 error JSON read back.
import { setTimeout as sleep } from 'node:timers/promises';

export interface EtcdErrorBody {
  errorCode: number;
  message: string;
  cause?: string;
  index: number;
}

export interface Answer {
  status: number;
  /** X-Etcd-Index, when sent. */
  etcdIndex: number | undefined;
  text: string;
}

/** How long a cluster may go without any member answering before the migration gives up. */
const UNREACHABLE_MS = 60_000;
const RETRY_PAUSE_MS = 250;

export class Cluster {
  private current = 0;

  constructor(
    readonly name: string,
    private readonly urls: string[],
  ) {}

  /**
   * One request, tried member after member until one answers. `signal` abandons it (a long poll
   * at cut-over). A 5xx with an etcd error body is an answer (say a proposal that timed out):
   * the caller decides whether to ask again.
   */
  async request(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<Answer> {
    const deadline = Date.now() + UNREACHABLE_MS;
    for (;;) {
      const url = this.urls[this.current]!;
      try {
        const res = await fetch(url + path, { ...init, signal });
        const text = await res.text();
        const index = res.headers.get('x-etcd-index');
        if (res.status < 500 || errorBody(text) !== undefined) return { status: res.status, etcdIndex: index === null ? undefined : Number(index), text };
      } catch (err) {
        if (signal?.aborted) throw err;
      }
      this.current = (this.current + 1) % this.urls.length;
      if (Date.now() > deadline) throw new Error(`no member of ${this.name} (${this.urls.join(', ')}) answered for ${UNREACHABLE_MS / 1000} s`);
      await sleep(RETRY_PAUSE_MS);
    }
  }
}

/** The etcd v2 error a body holds, if it is one. */
export function errorBody(text: string): EtcdErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<EtcdErrorBody>;
    return typeof body.errorCode === 'number' ? (body as EtcdErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
