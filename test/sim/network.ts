// The simulated network: messages in flight with delivery times, and the faults between
// members — random loss, duplication, delays (which reorder), and directed link cuts that make
// symmetric or one-way partitions. Loss and cuts are judged at delivery time, so a partition
// also swallows what was already on the wire.
import type { Message, NodeId } from '../../raft/types.js';
import type { Random } from './random.js';

export interface NetworkFaults {
  /** Probability that one copy of a message is lost. */
  dropRate: number;
  /** Probability that a message is delivered twice. */
  duplicateRate: number;
  /** Delivery delay in simulator steps, drawn per copy from [minDelay, maxDelay]: copies overtake each other. */
  minDelay: number;
  maxDelay: number;
}

export const CALM_NETWORK: NetworkFaults = { dropRate: 0, duplicateRate: 0, minDelay: 1, maxDelay: 1 };

export type DeliveryOutcome = 'delivered' | 'dropped' | 'cut';

export interface Delivery {
  message: Message;
  outcome: DeliveryOutcome;
}

export class SimNetwork {
  faults: NetworkFaults = CALM_NETWORK;
  private readonly inFlight = new Map<number, Message[]>();
  /** Directed cuts, as "from>to": messages from → to are lost. */
  private readonly cuts = new Set<string>();

  constructor(private readonly random: Random) {}

  /** Puts a message (or two copies of it) on the wire; returns when each copy is due. */
  send(message: Message, now: number): number[] {
    const copies = this.random.chance(this.faults.duplicateRate) ? 2 : 1;
    const due: number[] = [];
    for (let c = 0; c < copies; c++) {
      const at = now + this.random.int(this.faults.minDelay, this.faults.maxDelay);
      // Each copy is its own object, as if serialized: a receiver cannot alias the sender's log.
      const copy = cloneMessage(message);
      const waiting = this.inFlight.get(at);
      if (waiting) waiting.push(copy);
      else this.inFlight.set(at, [copy]);
      due.push(at);
    }
    return due;
  }

  /** Messages due at `now`, each with whether it arrives. */
  takeDue(now: number): Delivery[] {
    const due = this.inFlight.get(now);
    if (!due) return [];
    this.inFlight.delete(now);
    return due.map((message) => ({ message, outcome: this.outcomeOf(message) }));
  }

  /** Cuts the link from → to (one way). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(`${from}>${to}`);
  }

  /** Splits members into groups that cannot talk across (symmetric partition). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const from of a) for (const to of b) this.cut(from, to);
      }
    }
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.has(`${from}>${to}`);
  }

  isPartitioned(): boolean {
    return this.cuts.size > 0;
  }

  heal(): void {
    this.cuts.clear();
  }

  cutLinks(): string[] {
    return [...this.cuts].sort();
  }

  private outcomeOf(message: Message): DeliveryOutcome {
    if (this.isCut(message.from, message.to)) return 'cut';
    return this.random.chance(this.faults.dropRate) ? 'dropped' : 'delivered';
  }
}

function cloneMessage(m: Message): Message {
  const copy: Message = { ...m, entries: m.entries.map((e) => ({ ...e, data: e.data.slice() })) };
  if (m.snapshot) copy.snapshot = structuredClone(m.snapshot);
  if (m.context) copy.context = m.context.slice();
  return copy;
}
