// Counts one load job's operations in the worker: a warm-up whose operations are discarded, a
// measured window (fixed length, or until the job says it is finished), latencies, errors, an
// optional throughput/p99 timeline, progress reports to the harness, and the CPU the worker itself
// used while measuring (the load generator's, to keep apart from the members').
import { Histogram } from './latency.js';
import type { FromWorker, LoadResult, Notes, TimelineWindow, Timing } from './load-protocol.js';

const PROGRESS_EVERY_MS = 250;

interface Window {
  latencies: number[];
  errors: number;
}

export class Recorder {
  private readonly latency = new Histogram();
  private readonly errors: Record<string, number> = {};
  private readonly windows: Window[] = [];
  private startedAt = 0;
  private measureStartedAt = 0;
  private endAt = Infinity;
  private finishedAt: number | undefined;
  private warmupOps = 0;
  private progress: NodeJS.Timeout | undefined;
  /** This process's CPU when measuring began, and the CPU it used since, once finished. */
  private cpuAtMeasureStart: NodeJS.CpuUsage | undefined;
  private measuredCpu: NodeJS.CpuUsage | undefined;

  constructor(
    private readonly timing: Timing,
    private readonly send: (message: FromWorker) => void,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.measureStartedAt = this.startedAt + this.timing.warmupMs;
    if (this.timing.durationMs !== undefined) this.endAt = this.measureStartedAt + this.timing.durationMs;
    setTimeout(() => {
      this.cpuAtMeasureStart = process.cpuUsage();
      this.send({ type: 'measuring' });
    }, this.timing.warmupMs).unref();
    this.progress = setInterval(() => this.reportProgress(), PROGRESS_EVERY_MS);
  }

  get measuring(): boolean {
    return Date.now() >= this.measureStartedAt && this.finishedAt === undefined;
  }

  get running(): boolean {
    if (this.finishedAt !== undefined) return false;
    if (Date.now() < this.endAt) return true;
    this.finish();
    return false;
  }

  /** Ends the measured window now (for jobs measured by amount of work, or ended by the harness). */
  finish(): void {
    if (this.finishedAt !== undefined) return;
    this.finishedAt = Date.now();
    clearInterval(this.progress);
    if (this.cpuAtMeasureStart) this.measuredCpu = process.cpuUsage(this.cpuAtMeasureStart);
  }

  /** One successful operation that began at `startedAt`, a performance.now() reading. */
  success(startedAt: number): void {
    this.record(performance.now() - startedAt);
  }

  record(latencyMs: number): void {
    if (!this.measuring) {
      this.warmupOps++;
      return;
    }
    this.latency.record(latencyMs);
    this.window()?.latencies.push(latencyMs);
  }

  failure(kind: string): void {
    if (!this.measuring) return;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    const w = this.window();
    if (w) w.errors++;
  }

  private window(): Window | undefined {
    const width = this.timing.timelineMs;
    if (width === undefined) return undefined;
    const i = Math.floor((Date.now() - this.measureStartedAt) / width);
    for (let j = this.windows.length; j <= i; j++) this.windows.push({ latencies: [], errors: 0 });
    return this.windows[i];
  }

  private reportProgress(): void {
    const now = Date.now();
    const measuring = now >= this.measureStartedAt;
    this.send({
      type: 'progress',
      phase: measuring ? 'measuring' : 'warm-up',
      elapsedMs: now - (measuring ? this.measureStartedAt : this.startedAt),
      ops: measuring ? this.latency.count : this.warmupOps,
    });
  }

  result(notes: Notes = {}): LoadResult {
    this.finish();
    const width = this.timing.timelineMs;
    const timeline = width === undefined ? undefined : this.windows.map((w, i): TimelineWindow => {
      const sorted = w.latencies.sort((a, b) => a - b);
      return {
        atSec: (i * width) / 1000,
        opsPerSec: (w.latencies.length * 1000) / width,
        p99Ms: sorted.length ? sorted[Math.ceil(0.99 * sorted.length) - 1]! : 0,
        errors: w.errors,
      };
    });
    return {
      ops: this.latency.count,
      seconds: Math.max(1, this.finishedAt! - this.measureStartedAt) / 1000,
      latency: this.latency.serialize(),
      errors: this.errors,
      notes,
      timeline,
      measureStartedAt: this.measureStartedAt,
      cpuSeconds: this.measuredCpu ? (this.measuredCpu.user + this.measuredCpu.system) / 1e6 : 0,
    };
  }
}
