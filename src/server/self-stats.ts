// /v2/stats/self in etcd's shape: who this member is, whom it follows and since when, and how
// many AppendEntries it has sent and received.

export interface SelfStatsInput {
  name: string;
  id: string;
  isLeader: boolean;
  leader: string;
  /** Clock ms when this member started, and when it first saw the current leader. */
  startedAt: number;
  leaderSince: number | undefined;
  now: number;
  appendsReceived: number;
  appendsSent: number;
}

export function selfStats(s: SelfStatsInput): object {
  return {
    name: s.name,
    id: s.id,
    state: s.isLeader ? 'StateLeader' : 'StateFollower',
    startTime: new Date(s.startedAt).toISOString(),
    leaderInfo: {
      leader: s.leader,
      uptime: s.leaderSince === undefined ? '' : formatGoDuration(s.now - s.leaderSince),
      startTime: s.leaderSince === undefined ? '' : new Date(s.leaderSince).toISOString(),
    },
    recvAppendRequestCnt: s.appendsReceived,
    sendAppendRequestCnt: s.appendsSent,
  };
}

/** Go's time.Duration String() for positive durations, e.g. "1m2.5s", "350ms". */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = +(totalSeconds % 60).toFixed(3);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
