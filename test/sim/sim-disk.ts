// A member's simulated disk: a MemoryLogStore (what has landed, and what a restart loads) behind
// a write queue with a latency drawn per write. The raft driver writes through a LogStore opened
// for one life of the member: when that life ends (a crash), a write still in flight never lands
// and its promise never settles, as a process killed during an fsync never hears back.
import { NONE } from '../../raft/types.js';
import type { ConfState, Entry, HardState } from '../../raft/types.js';
import type { LogStore, SaveRequest } from '../../src/server/seams.js';
import type { LoadedState } from '../../src/storage/durable-log.js';
import { MemoryLogStore } from '../support/memory-log-store.js';
import { PropertyViolation } from './property-violation.js';
import type { Random } from './random.js';
import type { SimTime } from './sim-time.js';

/** Milliseconds a write takes to land, drawn per write from [min, max]; 0 lands within the same instant. */
export interface DiskLatency {
  min: number;
  max: number;
}

/** What one life of a member is told about its writes. */
export interface DiskLife {
  alive(): boolean;
  /** A Ready's save is about to be issued; returning false means the member dies now instead. */
  beforeSave(req: SaveRequest): boolean;
  /** A Ready's save landed (before the driver hears so). */
  landed(): void;
}

const NEVER = new Promise<void>(() => undefined);

export class SimDisk {
  private readonly landed: MemoryLogStore;
  /** The save issued and not landed yet, if any (the driver issues one at a time). */
  private inFlight: SaveRequest | undefined;
  private lastLanding = 0;

  constructor(
    bootstrap: ConfState,
    private readonly time: SimTime,
    private readonly latency: DiskLatency,
    private readonly random: Random,
  ) {
    this.landed = new MemoryLogStore(bootstrap);
  }

  /** The log as landed on disk (what log matching is checked over). */
  get entries(): readonly Entry[] {
    return this.landed.disk.entries;
  }

  /** The hard state as landed (zero before the first write). */
  get hardState(): HardState {
    return this.landed.disk.hardState ?? { term: 0, vote: NONE, commit: 0 };
  }

  /** What a member restarting on this disk loads. */
  load(): LoadedState {
    return this.landed.load();
  }

  /**
   * The entry at `index` in the log as the member's driver has it: what landed, overlaid with the
   * save in flight (whose entries the driver already counts as its log).
   */
  entryAt(index: number): Entry | undefined {
    const fresh = this.inFlight?.entries;
    const first = fresh?.[0]?.index;
    if (fresh && first !== undefined && index >= first) return fresh[index - first];
    const log = this.entries;
    const base = log[0]?.index;
    return base === undefined ? undefined : log[index - base];
  }

  /** The LogStore one life of the member writes through. */
  open(life: DiskLife): LogStore {
    this.inFlight = undefined;
    return {
      save: async (req, sync) => {
        if (!life.alive() || !life.beforeSave(req)) return NEVER;
        if (req.snapshot) this.expectNewerSnapshot(req.snapshot.metadata.index, 'installed');
        this.inFlight = req;
        return this.write(life, async () => {
          this.inFlight = undefined;
          await this.landed.save(req, sync);
          life.landed();
        });
      },
      saveSnapshot: async (snap) => {
        if (!life.alive()) return NEVER;
        this.expectNewerSnapshot(snap.metadata.index, 'taken');
        return this.write(life, () => this.landed.saveSnapshot(snap));
      },
      compact: async (throughIndex) => {
        if (!life.alive()) return NEVER;
        return this.write(life, () => this.landed.compact(throughIndex));
      },
    };
  }

  /** Lands writes in the order issued, each after its latency; a dead life's write is lost. */
  private write(life: DiskLife, land: () => Promise<void>): Promise<void> {
    const at = Math.max(this.lastLanding, this.time.now + this.random.int(this.latency.min, this.latency.max));
    this.lastLanding = at;
    return new Promise((resolve, reject) => {
      this.time.at(at, () => {
        if (life.alive()) land().then(resolve, reject);
      });
    });
  }

  /** A snapshot on disk never goes back: a restart would rebuild older state than was applied. */
  private expectNewerSnapshot(index: number, how: string): void {
    const held = this.landed.disk.snapshotIndex();
    if (index <= held) throw new PropertyViolation('monotonic state', `a snapshot at ${index} was ${how} over the one on disk at ${held}`);
  }
}
