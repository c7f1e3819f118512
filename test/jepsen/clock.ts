// Monotonic nanoseconds since a run's origin, as plain numbers (2^53 ns is 104 days).
export class RunClock {
  private readonly origin = process.hrtime.bigint();

  now(): number {
    return Number(process.hrtime.bigint() - this.origin);
  }

  ms(): number {
    return this.now() / 1e6;
  }
}
