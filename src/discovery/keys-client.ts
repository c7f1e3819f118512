// The little of etcd's Go v2 keys client that discovery uses (get, create, watch), with its way of
// reading answers: a network failure or a 5xx is a ClusterError (discovery retries those), a
// body that is not JSON is ErrInvalidJSON, any other refusal is the server's error JSON, printed
// as the Go client prints it. Requests go through the DiscoveryHttp seam.

/** One HTTP exchange; rejects only when no answer came (refused, reset, timed out). */
export type DiscoveryHttp = (request: DiscoveryRequest) => Promise<{ status: number; body: string; etcdIndex: string | undefined }>;

export interface DiscoveryRequest {
  method: 'GET' | 'PUT';
  url: string;
  /** A form body (application/x-www-form-urlencoded), as the Go client sends values. */
  form?: Record<string, string>;
  /** No limit when absent (watches wait as long as they must). */
  timeoutMs?: number;
}

/** The Go client's DefaultRequestTimeout: how long a get or a create may take. */
export const REQUEST_TIMEOUT_MS = 5_000;

/** client.ClusterError: no endpoint answered usefully. */
export class ClusterError extends Error {}

/** client.ErrInvalidJSON, which discovery reports as a bad endpoint. */
export class InvalidJsonError extends Error {
  constructor() {
    super('client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint');
  }
}

/** client.Error: the server's error JSON, printed as `code: message (cause) [index]`. */
export class EtcdError extends Error {
  constructor(readonly errorCode: number, readonly etcdMessage: string, readonly etcdCause: string, readonly index: number) {
    super(`${errorCode}: ${etcdMessage} (${etcdCause}) [${index}]`);
  }
}

export const ERROR_CODE_KEY_NOT_FOUND = 100;
export const ERROR_CODE_NODE_EXIST = 105;

export interface KeyNode {
  key: string;
  value?: string;
  nodes?: KeyNode[];
  createdIndex: number;
  modifiedIndex: number;
}

export interface KeysAnswer {
  node: KeyNode;
  /** X-Etcd-Index. */
  index: number;
}

export class KeysClient {
  /** `endpoint` is scheme://host[:port]; keys are full paths (etcd passes no /v2/keys prefix). */
  constructor(private readonly endpoint: string, private readonly http: DiscoveryHttp) {}

  get(key: string): Promise<KeysAnswer> {
    return this.send({ method: 'GET', url: this.url(key, { quorum: 'false', recursive: 'false', sorted: 'false' }), timeoutMs: REQUEST_TIMEOUT_MS });
  }

  /** Create-only (prevExist=false). */
  create(key: string, value: string): Promise<KeysAnswer> {
    return this.send({ method: 'PUT', url: this.url(key, { prevExist: 'false' }), form: { value }, timeoutMs: REQUEST_TIMEOUT_MS });
  }

  /** The next change at or after `waitIndex`; as the Go watcher, an empty 200 (the server's timeout) asks again. */
  async watch(key: string, waitIndex: number, recursive: boolean): Promise<KeysAnswer> {
    for (;;) {
      const query = { wait: 'true', waitIndex: String(waitIndex), ...(recursive ? { recursive: 'true' } : {}) };
      const answer = await this.send({ method: 'GET', url: this.url(key, query) }, true);
      if (answer) return answer;
    }
  }

  private url(key: string, query: Record<string, string>): string {
    return `${this.endpoint}${cleanPath(key)}?${new URLSearchParams(query).toString()}`;
  }

  private async send(request: DiscoveryRequest, emptyIsRetry?: false): Promise<KeysAnswer>;
  private async send(request: DiscoveryRequest, emptyIsRetry: true): Promise<KeysAnswer | undefined>;
  private async send(request: DiscoveryRequest, emptyIsRetry = false): Promise<KeysAnswer | undefined> {
    let answer;
    try {
      answer = await this.http(request);
    } catch (err) {
      throw new ClusterError(`client: etcd cluster is unavailable or misconfigured; error #0: ${(err as Error).message}`);
    }
    if (Math.floor(answer.status / 100) === 5) {
      throw new ClusterError(`client: etcd cluster is unavailable or misconfigured; error #0: client: etcd member ${this.endpoint} returns server error [${answer.status}]`);
    }
    if (answer.status === 200 || answer.status === 201) {
      if (answer.body === '' && emptyIsRetry) return undefined;
      const parsed = parseJson(answer.body) as { node?: KeyNode } | undefined;
      if (!parsed?.node) throw new InvalidJsonError();
      return { node: parsed.node, index: Number(answer.etcdIndex ?? 0) };
    }
    const failed = parseJson(answer.body) as { errorCode?: number; message?: string; cause?: string; index?: number } | undefined;
    if (!failed || typeof failed !== 'object') throw new InvalidJsonError();
    throw new EtcdError(failed.errorCode ?? 0, failed.message ?? '', failed.cause ?? '', failed.index ?? 0);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Go's path.Join("/", key): one leading slash, no empty or dot segments, no trailing slash. */
export function cleanPath(key: string): string {
  const out: string[] = [];
  for (const part of key.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
