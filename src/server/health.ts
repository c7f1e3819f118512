// /health as etcd 3.4 decides it (etcdhttp checkHealth): a member is healthy only if it knows a
// leader and a quorum read through raft completes within a second. A member that has just lost
// its quorum still names its old leader for a while, but its read cannot complete.
import type { Clock } from './seams.js';

/** etcd's timeout for the health check's QGET. */
const QUORUM_READ_MS = 1000;

export async function checkHealth(hasLeader: boolean, quorumRead: () => Promise<void>, clock: Clock): Promise<boolean> {
  if (!hasLeader) return false;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = clock.setTimeout(() => resolve(false), QUORUM_READ_MS)));
  const read = quorumRead().then(() => true, () => false);
  try {
    return await Promise.race([read, timedOut]);
  } finally {
    clock.clearTimer(timer);
  }
}
