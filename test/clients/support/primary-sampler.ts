// Asks every PostgreSQL what it is, every ~200 ms, for the whole test, and keeps any sample in which
// more than one said it was a primary (not in recovery): split brain, seen from Postgres itself.
import { sleep } from '../../../bench/harness/wait.js';
import type { PatroniNode, PgRole } from './patroni-node.js';

export interface Sample {
  /** Milliseconds since the sampler started. */
  at: number;
  roles: Record<string, PgRole>;
}

const INTERVAL_MS = 200;

export class PrimarySampler {
  samples = 0;
  readonly splitBrains: Sample[] = [];
  private stopped = false;
  private readonly running: Promise<void>;
  private readonly started = Date.now();

  constructor(private readonly nodes: readonly PatroniNode[]) {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const begun = Date.now();
      const roles = await Promise.all(this.nodes.map((n) => n.pgRole()));
      const sample = { at: begun - this.started, roles: Object.fromEntries(this.nodes.map((n, i) => [n.name, roles[i]!])) };
      this.samples++;
      if (roles.filter((r) => r === 'primary').length > 1) this.splitBrains.push(sample);
      await sleep(Math.max(0, INTERVAL_MS - (Date.now() - begun)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
