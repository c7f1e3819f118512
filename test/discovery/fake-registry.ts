// A discovery service in memory, behind the DiscoveryHttp seam: one token directory with its
// _config/size and registrations, create-only writes, waits answered by the next registration,
// and a switch that makes the next requests fail as an unreachable service does.
import type { DiscoveryHttp } from '../../src/discovery/keys-client.js';

export const DIR = '/v2/keys/_etcd/registry/tok';
export const URL = `http://discovery.test${DIR}`;

export class FakeRegistry {
  index = 1;
  readonly nodes = new Map<string, { value: string; createdIndex: number }>();
  /** Requests still to fail with a refused connection. */
  unreachable = 0;
  readonly requests: string[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(size: string | undefined) {
    if (size !== undefined) this.put(`${DIR}/_config/size`, size);
  }

  /** Registers a member as another process would. */
  put(key: string, value: string): void {
    this.nodes.set(key, { value, createdIndex: ++this.index });
    for (const wake of this.waiters.splice(0)) wake();
  }

  readonly http: DiscoveryHttp = async (req) => {
    const url = new globalThis.URL(req.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.unreachable > 0) {
      this.unreachable--;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    }
    const key = url.pathname;
    const answer = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), etcdIndex: String(this.index) });
    if (req.method === 'PUT') {
      if (this.nodes.has(key)) return answer(412, { errorCode: 105, message: 'Key already exists', cause: key.replace('/v2/keys', ''), index: this.index });
      this.put(key, req.form!.value!);
      return answer(201, { action: 'create', node: this.view(key) });
    }
    if (url.searchParams.get('wait') === 'true') {
      const from = Number(url.searchParams.get('waitIndex'));
      for (;;) {
        const hit = [...this.nodes].find(([k, n]) => n.createdIndex >= from && k.startsWith(key) && !k.includes('/_config'));
        if (hit) return answer(200, { action: 'create', node: this.view(hit[0]) });
        await new Promise<void>((wake) => this.waiters.push(wake));
      }
    }
    if (this.nodes.has(key)) return answer(200, { action: 'get', node: this.view(key) });
    const inside = [...this.nodes.keys()].filter((k) => k.startsWith(`${key}/`));
    const children = inside.filter((k) => !k.includes('/_config/'));
    if (inside.length === 0) return answer(404, { errorCode: 100, message: 'Key not found', cause: '/_etcd', index: this.index });
    const config = { key: `${key}/_config`.replace('/v2/keys', ''), dir: true, createdIndex: 2, modifiedIndex: 2 };
    return answer(200, { action: 'get', node: { key: key.replace('/v2/keys', ''), dir: true, nodes: [config, ...children.map((k) => this.view(k))] } });
  };

  private view(key: string) {
    const n = this.nodes.get(key)!;
    return { key: key.replace('/v2/keys', ''), value: n.value, createdIndex: n.createdIndex, modifiedIndex: n.createdIndex };
  }
}
