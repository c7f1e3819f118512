// Hostile connections at a steady rate, cycling through every kind on every target port, with a
// bound on how many are open at once; counts what became of them.
import type { Socket } from 'node:net';
import { HOSTILE_KINDS, openHostile, type HostileMaterial } from './hostile.js';
import type { ChaosTally } from './protocol.js';

// Opening in 10 ms steps keeps the rate even rather than one burst a second.
const TICK_MS = 10;

export class Barrage {
  /** In opening order, so the first is the oldest. */
  private readonly open = new Set<Socket>();
  private readonly targets: { host: string; port: number }[];
  private readonly tally: ChaosTally = { seconds: 0, opened: 0, closedByMember: 0, evicted: 0, peakOpen: 0, errors: {} };
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    targets: string[],
    private readonly perSecond: number,
    private readonly maxOpen: number,
    private readonly material: HostileMaterial,
  ) {
    this.targets = targets.map((url) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) }));
  }

  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - this.startedAt) * this.perSecond) / 1000);
      while (this.tally.opened < due) this.openNext();
    }, TICK_MS);
  }

  stop(): ChaosTally {
    clearInterval(this.timer);
    this.tally.seconds = (Date.now() - this.startedAt) / 1000;
    const left = [...this.open];
    this.open.clear();
    for (const socket of left) socket.destroy();
    return this.tally;
  }

  /** Connection n is kind n mod kinds, on target (n div kinds) mod targets: every pair in turn. */
  private openNext(): void {
    const n = this.tally.opened++;
    const kinds = HOSTILE_KINDS.length;
    const target = this.targets[Math.floor(n / kinds) % this.targets.length]!;
    if (this.open.size >= this.maxOpen) this.evictOldest();
    const socket = openHostile(HOSTILE_KINDS[n % kinds]!, target.host, target.port, this.material);
    this.open.add(socket);
    this.tally.peakOpen = Math.max(this.tally.peakOpen, this.open.size);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.name;
      this.tally.errors[code] = (this.tally.errors[code] ?? 0) + 1;
    });
    socket.once('close', () => {
      if (this.open.delete(socket)) this.tally.closedByMember++;
    });
  }

  private evictOldest(): void {
    const oldest = this.open.values().next().value!;
    this.open.delete(oldest);
    this.tally.evicted++;
    oldest.destroy();
  }
}
