// A discovery token on a raftkv member's key space, as the discovery service makes one: a fresh
// directory under /_etcd/registry holding `_config/size`. Returns the discovery URL.
import type { Fetch } from '../../bench/harness/client-fetch.js';

/** `fetch` reaches the backend (the cluster's own, with its client certificate, for an https one). */
export async function newToken(backend: string, token: string, size: number, fetch: Fetch = globalThis.fetch): Promise<string> {
  const res = await fetch(`${backend}/v2/keys/_etcd/registry/${token}/_config/size`, {
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `value=${size}`,
  });
  if (res.status !== 201) throw new Error(`making discovery token ${token}: ${res.status} ${await res.text()}`);
  return `${backend}/v2/keys/_etcd/registry/${token}`;
}
