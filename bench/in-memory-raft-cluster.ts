// The smallest faithful driver for measuring the Raft core alone: members in one process,
// messages delivered instantly, "persisting" into MemoryStorage, applying by counting. No
// faults, no timers: the numbers measure the core's own work per proposal.
import { RawNode } from '../raft/index.js';
import { MemoryStorage } from '../raft/index.js';
import { EntryType, StateType } from '../raft/index.js';
import type { Message, NodeId } from '../raft/index.js';

interface Member {
  id: NodeId;
  node: RawNode;
  storage: MemoryStorage;
  applied: number;
  /** Normal entries with data applied (the no-op a new leader appends is not a proposal). */
  proposalsApplied: number;
  snapshotIndex: number;
}

/** Entries between snapshots, so a long benchmark does not keep its whole log in memory. */
const SNAPSHOT_EVERY = 10_000;

export class InMemoryRaftCluster {
  readonly members: Member[];
  private readonly byId: Map<NodeId, Member>;
  private readonly mailbox: Message[] = [];
  /** Ready batches handled, over all members. */
  readyCycles = 0;

  constructor(size: number) {
    const voters = Array.from({ length: size }, (_, i) => `m${i + 1}`);
    let seed = 1;
    this.members = voters.map((id) => {
      const storage = new MemoryStorage({ voters, learners: [] });
      const node = new RawNode({
        id,
        electionTick: 10,
        heartbeatTick: 1,
        storage,
        preVote: true,
        checkQuorum: true,
        random: lcg(seed++),
      });
      return { id, node, storage, applied: 0, proposalsApplied: 0, snapshotIndex: 0 };
    });
    this.byId = new Map(this.members.map((m) => [m.id, m]));
  }

  /** Makes the first member campaign and returns once it leads. */
  electFirst(): Member {
    const first = this.members[0]!;
    first.node.campaign();
    this.settle();
    if (first.node.status().softState.state !== StateType.Leader) throw new Error('the first member did not win its election');
    return first;
  }

  /** Handles every Ready and delivers every message until the cluster is quiet. */
  settle(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const m of this.members) {
        while (m.node.hasReady()) {
          busy = true;
          this.handleReady(m);
        }
      }
      const inbox = this.mailbox.splice(0);
      for (const msg of inbox) {
        busy = true;
        this.byId.get(msg.to)!.node.step(msg);
      }
    }
  }

  private handleReady(m: Member): void {
    const rd = m.node.ready();
    this.readyCycles++;
    if (rd.snapshot) m.storage.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) m.storage.append(rd.entries);
    if (rd.hardState) m.storage.setHardState(rd.hardState);
    for (const msg of rd.messages) this.mailbox.push(msg);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.Normal && e.data.length > 0) m.proposalsApplied++;
      m.applied = e.index;
    }
    m.node.advance(rd);
    if (m.applied - m.snapshotIndex >= SNAPSHOT_EVERY) {
      m.storage.createSnapshot(m.applied, m.node.status().confState, new Uint8Array());
      m.storage.compact(m.applied);
      m.snapshotIndex = m.applied;
    }
  }
}

/** A tiny seeded generator: the core asks for randomness only to spread election timeouts. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 0x1_0000_0000;
  };
}
