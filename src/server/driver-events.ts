// What a member does when its raft driver reports: leader changes go to the tracker, read states
// and applied indexes to the quorum-read batcher, timings to the metrics, failures to the log.
import type { DriverEvents } from './raft-driver.js';
import type { LeaderTracker } from './leader-tracker.js';
import type { Logger } from './logger.js';
import type { MemberMetrics } from './metrics.js';
import type { ReadBatcher } from './read-batcher.js';

export interface DriverEventTargets {
  leader(): LeaderTracker;
  reads(): ReadBatcher;
  metrics: MemberMetrics;
  logger: Logger;
  onFatal(err: unknown): void;
}

export function driverEvents(t: DriverEventTargets): DriverEvents {
  const { metrics, logger } = t;
  return {
    onSoftState: (ss) => t.leader().update(ss),
    onReadStates: (rs) => {
      for (const r of rs) t.reads().onReadState(r.requestCtx, r.index);
    },
    onApplied: (index, ms) => {
      metrics.applyDuration.observe(ms / 1000);
      t.reads().onApplied(index);
    },
    onSnapshotInstalled: (index) => logger.info({ index }, 'installed snapshot from leader'),
    onSnapshotSaved: (index, compactedTo) => logger.info({ index, compactedTo }, 'saved snapshot'),
    onFatal: (err) => {
      logger.fatal({ err: String(err), stack: (err as Error)?.stack }, 'raft loop failed; exiting');
      t.onFatal(err);
    },
  };
}
