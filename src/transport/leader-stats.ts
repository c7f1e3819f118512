// /v2/stats/leader: per-follower round-trip latency (heartbeat to its answer) and counts of
// successful answers and failed sends, in etcd's shape (latencies in milliseconds). Kept by the
// transport, which sees every message, as etcd's rafthttp keeps it.

interface FollowerStats {
  latency: { current: number; average: number; standardDeviation: number; minimum: number; maximum: number };
  counts: { fail: number; success: number };
  /** Running sums for the average and deviation; not part of the JSON. */
  n: number;
  sum: number;
  sumSq: number;
  heartbeatSentAt: number | undefined;
}

export class LeaderStats {
  private readonly followers = new Map<string, FollowerStats>();

  heartbeatSent(id: string, now: number): void {
    this.follower(id).heartbeatSentAt ??= now;
  }

  /** Returns the heartbeat's round trip in ms, when this answers one. */
  answered(id: string, now: number): number | undefined {
    const f = this.follower(id);
    f.counts.success++;
    if (f.heartbeatSentAt === undefined) return undefined;
    const ms = now - f.heartbeatSentAt;
    f.heartbeatSentAt = undefined;
    f.n++;
    f.sum += ms;
    f.sumSq += ms * ms;
    const avg = f.sum / f.n;
    f.latency = {
      current: ms,
      average: avg,
      standardDeviation: Math.sqrt(Math.max(0, f.sumSq / f.n - avg * avg)),
      minimum: f.n === 1 ? ms : Math.min(f.latency.minimum, ms),
      maximum: Math.max(f.latency.maximum, ms),
    };
    return ms;
  }

  failed(id: string): void {
    this.follower(id).counts.fail++;
  }

  forget(id: string): void {
    this.followers.delete(id);
  }

  /** `printId` writes an id as the API shows it. */
  toJSON(leaderId: string, followerIds: string[], printId: (id: string) => string): object {
    const followers: Record<string, object> = {};
    for (const id of followerIds) {
      const f = this.follower(id);
      followers[printId(id)] = { latency: f.latency, counts: f.counts };
    }
    return { leader: printId(leaderId), followers };
  }

  private follower(id: string): FollowerStats {
    let f = this.followers.get(id);
    if (!f) {
      f = {
        latency: { current: 0, average: 0, standardDeviation: 0, minimum: 0, maximum: 0 },
        counts: { fail: 0, success: 0 },
        n: 0,
        sum: 0,
        sumSq: 0,
        heartbeatSentAt: undefined,
      };
      this.followers.set(id, f);
    }
    return f;
  }
}
