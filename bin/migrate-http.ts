// The HTTP of `raftkv migrate`: requests to a cluster given as several client URLs, moving on to
// the next URL when one does not answer (or answers 5xx without an etcd error), as etcd's clients
// do, and etcd's v2 error JSON read back. Each side may have v2 auth credentials (sent as Basic,
// never logged) and TLS files (a CA to trust, a client certificate and key).
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { basicAuthorization } from './basic-credentials.js';

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

/** One side of the migration as its flags give it. */
export interface Side {
  /** etcd or raftkv, for messages. */
  name: string;
  urls: string[];
  /** "name:password" for v2 auth. */
  credentials?: string;
  /** What to say when the side answers 401 (which flags to give). */
  authHint: string;
  /** For https URLs: a CA to trust (node's roots without one), a client certificate and key. */
  tls?: { cacert?: string; cert?: string; key?: string };
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** How long a cluster may go without any member answering before the migration gives up. */
const UNREACHABLE_MS = 60_000;
const RETRY_PAUSE_MS = 250;

/** A side refused the credentials (or their lack): asking again cannot help. */
export class Unauthorized extends Error {}

export class Cluster {
  private current = 0;
  private readonly agent: HttpAgent | HttpsAgent;
  readonly name: string;

  constructor(private readonly side: Side) {
    this.name = side.name;
    const read = (file: string | undefined): Buffer | undefined => (file === undefined ? undefined : readFileSync(file));
    const { cacert, cert, key } = side.tls ?? {};
    this.agent = side.tls === undefined ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true, ca: read(cacert), cert: read(cert), key: read(key) });
  }

  /**
   * One request, tried member after member until one answers. `signal` abandons it (a long poll
   * at cut-over). A 5xx with an etcd error body is an answer (say a proposal that timed out):
   * the caller decides whether to ask again. A 401 throws Unauthorized.
   */
  async request(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<Answer> {
    const deadline = Date.now() + UNREACHABLE_MS;
    for (;;) {
      const url = this.side.urls[this.current]!;
      try {
        const answer = await this.send(url + path, init, signal);
        if (answer.status === 401) throw new Unauthorized(`${this.name} at ${url} answered 401 (${answer.text.trim().slice(0, 200)}): ${this.side.authHint}`);
        if (answer.status < 500 || errorBody(answer.text) !== undefined) return answer;
      } catch (err) {
        if (signal?.aborted || err instanceof Unauthorized) throw err;
      }
      this.current = (this.current + 1) % this.side.urls.length;
      if (Date.now() > deadline) throw new Error(`no member of ${this.name} (${this.side.urls.join(', ')}) answered for ${UNREACHABLE_MS / 1000} s`);
      await sleep(RETRY_PAUSE_MS);
    }
  }

  /** Lets the process exit: the kept-alive connections close. */
  close(): void {
    this.agent.destroy();
  }

  private send(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.side.credentials !== undefined) headers.authorization = basicAuthorization(this.side.credentials);
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: init.method ?? 'GET', headers, agent: this.agent, signal }, (res) => void readAnswer(res).then(resolve, reject));
      req.once('error', reject);
      req.end(init.body);
    });
  }
}

async function readAnswer(res: IncomingMessage): Promise<Answer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const index = res.headers['x-etcd-index'];
  return { status: res.statusCode ?? 0, etcdIndex: typeof index === 'string' ? Number(index) : undefined, text: Buffer.concat(chunks).toString('utf8') };
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
