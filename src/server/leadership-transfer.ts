// A leader that is asked to stop first hands leadership to the voter whose log is furthest along
// (etcd does the same on SIGTERM), so the cluster does not wait out an election timeout.
import type { RaftStatus, RawNode } from '../../raft/index.js';
import type { LeaderTracker } from './leader-tracker.js';
import type { Clock } from './seams.js';

export interface HandOverOptions {
  selfId: string;
  withNode(fn: (node: RawNode) => void): void;
  status(): RaftStatus;
  isLearner(id: string): boolean;
  leader: LeaderTracker;
  clock: Clock;
  /** How long to wait for the transfer (an election timeout, as etcd). */
  timeoutMs: number;
  logger: { info(obj: object, msg: string): void };
}

export async function handOverLeadership(opts: HandOverOptions): Promise<void> {
  const { clock, leader } = opts;
  let best: string | undefined;
  let bestMatch = -1;
  for (const [id, pr] of Object.entries(opts.status().progress ?? {})) {
    if (id === opts.selfId || opts.isLearner(id)) continue;
    if (pr.match > bestMatch) [best, bestMatch] = [id, pr.match];
  }
  if (!best) return;
  const to = best;
  opts.logger.info({ to }, 'transferring leadership before stopping');
  try {
    opts.withNode((n) => n.transferLeader(to));
  } catch {
    return;
  }
  const deadline = clock.now() + opts.timeoutMs;
  while (leader.isLeader && clock.now() < deadline) await leader.changeOrDelay(deadline - clock.now());
}
