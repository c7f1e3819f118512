// What clients ask of the simulated cluster: v2 writes on a few keys, of every kind the store
// applies — sets (some with a TTL, which the leader's SYNC entries expire), creates, updates,
// compare-and-swaps by value and by index, deletes and compare-and-deletes — and in-order
// creates in a queue directory that is emptied now and then. Many fail on purpose (a compare
// that does not hold, a key that is not there): a failed write is replicated state too.
import type { V2Request } from '../../src/store/types.js';
import type { Random } from './random.js';

const KEYS = 8;
const QUEUE = '/sim/queue';

export type WriteRequest = Omit<V2Request, 'time'>;

export class Workload {
  private nextValue = 1;
  /** The value last proposed per key, for compares that may well hold. */
  private readonly proposed = new Map<string, string>();

  constructor(private readonly random: Random) {}

  next(): WriteRequest {
    const r = this.random;
    const path = `/sim/k${r.int(0, KEYS - 1)}`;
    const val = `v${this.nextValue++}`;
    const prevValue = this.proposed.get(path) ?? 'v0';
    const req = r.pick<() => WriteRequest>([
      () => ({ method: 'PUT', path, val }),
      () => ({ method: 'PUT', path, val }),
      () => ({ method: 'PUT', path, val, ttl: r.int(1, 2) }),
      () => ({ method: 'PUT', path, val, prevExist: false }),
      () => ({ method: 'PUT', path, val, prevExist: true }),
      () => ({ method: 'PUT', path, val, prevValue }),
      () => ({ method: 'PUT', path, val, prevIndex: r.int(1, this.nextValue) }),
      () => ({ method: 'DELETE', path }),
      () => ({ method: 'DELETE', path, prevValue }),
      () => ({ method: 'POST', path: QUEUE, val }),
      () => ({ method: 'DELETE', path: QUEUE, dir: true, recursive: true }),
    ])();
    if (req.method === 'PUT' && req.path === path) this.proposed.set(path, val);
    return req;
  }
}
