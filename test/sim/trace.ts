// The run's fingerprint: every event folds into a hash (same seed → same hash) and the most
// recent events are kept so a failure can show what led up to it.
export class Trace {
  private hash = 0x811c9dc5;
  private count = 0;
  private readonly recent: string[] = [];

  constructor(
    private readonly keep: number,
    /** Called with every event as it happens (RAFT_SIM_TRACE=1 prints them all). */
    private readonly echo?: (line: string) => void,
  ) {}

  record(time: number, event: string): void {
    const line = `${time} ${event}`;
    let h = this.hash;
    for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
    this.hash = Math.imul(h ^ 0x0a, 0x01000193) >>> 0;
    this.count++;
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
    this.echo?.(line);
  }

  /** Hash of every event so far, with the event count (two runs match only if both match). */
  fingerprint(): string {
    return `${this.count}:${(this.hash >>> 0).toString(16).padStart(8, '0')}`;
  }

  tail(): string[] {
    return [...this.recent];
  }
}
