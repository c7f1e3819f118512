// Writes: PUTs of fixed-size values, each client to member `client % endpoints`, closed-loop or
// at a fixed rate. Timed runs overwrite a bounded set of keys; runs given a key count write that
// many distinct keys.
import type { ClientCertFiles } from '../harness/client-fetch.js';
import { ok, V2Client } from '../load-client.js';
import { loadLoop } from '../open-loop.js';
import { valueOf } from '../payload.js';
import { connectionsFor, type Job } from './job.js';

export interface PutParams {
  endpoints: string[];
  concurrency: number;
  /** Open loop: start this many writes a second (as `concurrency` clients) instead of a closed loop. */
  rate?: number;
  valueSize: number;
  prefix: string;
  /** Write exactly this many distinct keys, then stop, instead of running for the timed window. */
  keys?: number;
  /** For https endpoints: the CA and the client certificate to present. */
  tls?: ClientCertFiles;
}

// Keeps a long timed run from growing the store without bound.
const KEYS_PER_CLIENT = 1000;

export const putJob: Job<PutParams> = async (p, { recorder }) => {
  const client = new V2Client(p.endpoints, connectionsFor(p.concurrency, p.endpoints), p.tls);
  const value = valueOf('', p.valueSize);
  await loadLoop(recorder, p, async (c, seq) => {
    const key = p.keys === undefined ? `${p.prefix}/${c}-${seq % KEYS_PER_CLIENT}` : `${p.prefix}/${seq}`;
    ok(await client.put(c, key, { value }));
  }, p.keys);
  await client.close();
  return recorder.result();
};
