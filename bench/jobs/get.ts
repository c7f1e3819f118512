// Reads: GETs of keys written beforehand, each client to member `client % endpoints`, closed-loop
// or at a fixed rate; default reads are served from the member's own store, quorum=true ones are
// linearizable.
import { OpError, ok, V2Client } from '../load-client.js';
import { loadLoop } from '../open-loop.js';
import { connectionsFor, type Job } from './job.js';

export interface GetParams {
  endpoints: string[];
  concurrency: number;
  /** Open loop: start this many reads a second (as `concurrency` clients) instead of a closed loop. */
  rate?: number;
  quorum: boolean;
  prefix: string;
  /** Keys `${prefix}/0` .. `${prefix}/${keys - 1}` exist. */
  keys: number;
}

export const getJob: Job<GetParams> = async (p, { recorder }) => {
  const client = new V2Client(p.endpoints, connectionsFor(p.concurrency, p.endpoints));
  const query: Record<string, string> = p.quorum ? { quorum: 'true' } : {};
  await loadLoop(recorder, p, async (c, seq) => {
    // A stride that walks every key, each client from its own starting point.
    const res = ok(await client.get(c, `${p.prefix}/${(c * 7919 + seq * 31) % p.keys}`, query));
    if (res.body.node?.value === undefined) throw new OpError('no value');
  });
  await client.close();
  return recorder.result();
};
