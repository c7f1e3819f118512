// A real single-voter raft that has elected itself, carried out by hand: what a Proposer hands
// its proposals to in a unit test, with the Normal entries raft appended (in order) to read back.
import { EntryType, MemoryStorage, RawNode } from '../../../raft/index.js';
import type { Entry } from '../../../raft/index.js';

export class SoloRaft {
  readonly node: RawNode;
  /** Normal entries with data that raft appended, in log order. */
  readonly appended: Entry[] = [];
  private readonly storage: MemoryStorage;

  constructor(readonly id = 'm1') {
    this.storage = new MemoryStorage({ voters: [id], learners: [] });
    this.node = new RawNode({ id, storage: this.storage, electionTick: 10, heartbeatTick: 1, random: () => 0 });
    this.node.campaign();
    this.carryOut();
  }

  /** The Proposer's withNode: runs `fn` on the node and carries out the Ready it makes. */
  readonly withNode = (fn: (node: RawNode) => void): void => {
    fn(this.node);
    this.carryOut();
  };

  private carryOut(): void {
    while (this.node.hasReady()) {
      const rd = this.node.ready();
      this.storage.append(rd.entries);
      if (rd.hardState) this.storage.setHardState(rd.hardState);
      this.appended.push(...rd.entries.filter((e) => e.type === EntryType.Normal && e.data.length > 0));
      this.node.advance(rd);
    }
  }
}
