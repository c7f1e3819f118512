// Latency histogram with log-linear buckets (HdrHistogram's idea): 64 sub-buckets per power of two
// of microseconds, so any percentile is within 1.6% of the true value while memory stays fixed
// however many operations a run records. Serializable, so a load worker can ship it to the harness.

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
// Values up to 2^31 µs (~36 minutes) fit; longer ones are clamped into the last bucket.
const BUCKETS = SUB + (31 - SUB_BITS) * SUB;

export interface SerializedHistogram {
  /** [bucket index, count] pairs for the non-empty buckets. */
  counts: [number, number][];
  maxMicros: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function bucketOf(micros: number): number {
  const v = Math.min(Math.max(0, Math.round(micros)), 2 ** 31 - 1);
  if (v < SUB) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return SUB + shift * SUB + ((v >>> shift) - SUB);
}

/** The middle of a bucket's range, in microseconds. */
function valueOf(bucket: number): number {
  if (bucket < SUB) return bucket;
  const shift = Math.floor((bucket - SUB) / SUB);
  const mantissa = ((bucket - SUB) % SUB) + SUB;
  return mantissa * 2 ** shift + (2 ** shift - 1) / 2;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxMicros = 0;

  record(ms: number): void {
    const micros = ms * 1000;
    this.counts[bucketOf(micros)]! += 1;
    this.total += 1;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  get count(): number {
    return this.total;
  }

  /** Latency in ms at quantile q (0..1); the exact maximum for q = 1. */
  quantileMs(q: number): number {
    if (this.total === 0) return 0;
    if (q >= 1) return this.maxMicros / 1000;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(valueOf(b), this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }

  summary(): LatencySummary {
    return { count: this.total, p50Ms: this.quantileMs(0.5), p99Ms: this.quantileMs(0.99), maxMs: this.quantileMs(1) };
  }

  serialize(): SerializedHistogram {
    const counts: [number, number][] = [];
    this.counts.forEach((c, b) => {
      if (c > 0) counts.push([b, c]);
    });
    return { counts, maxMicros: this.maxMicros };
  }

  static from(data: SerializedHistogram): Histogram {
    const h = new Histogram();
    for (const [b, c] of data.counts) {
      h.counts[b] = c;
      h.total += c;
    }
    h.maxMicros = data.maxMicros;
    return h;
  }
}
