// A steady write load for membership tests: a few clients writing unique keys round-robin to the
// members they are told to use, remembering which writes were acknowledged and when any failed.
import { v2 } from '../support/http.js';

export interface WriteFailure {
  /** When the failed write was sent: a timeout reports long after the event that caused it. */
  sentAt: number;
  target: string;
  error: string;
}

export class SteadyWrites {
  /** Client URLs writes go to; change it before taking a member away. */
  targets: string[];
  readonly acked: string[] = [];
  readonly failures: WriteFailure[] = [];
  private next = 0;
  private running = true;
  private readonly clients: Promise<void>[];

  constructor(targets: string[], clients = 4, private readonly prefix = '/load') {
    this.targets = [...targets];
    this.clients = Array.from({ length: clients }, () => this.client());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients);
  }

  /** The span from the first failed write's sending to the last one's, 0 when there was none or one. */
  failureSpanMs(): number {
    if (this.failures.length === 0) return 0;
    const sent = this.failures.map((f) => f.sentAt);
    return Math.max(...sent) - Math.min(...sent);
  }

  private async client(): Promise<void> {
    while (this.running) {
      const n = this.next++;
      const target = this.targets[n % this.targets.length]!;
      const key = `${this.prefix}/w${n}`;
      const sentAt = Date.now();
      try {
        const res = await v2(target, 'PUT', key, { value: String(n) });
        if (res.status === 201) this.acked.push(key);
        else this.failures.push({ sentAt, target, error: `${res.status} ${JSON.stringify(res.body)}` });
      } catch (err) {
        this.failures.push({ sentAt, target, error: (err as Error).message });
      }
    }
  }
}
