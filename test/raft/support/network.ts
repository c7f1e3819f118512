// A tiny in-memory network of RawNodes for the core's unit tests. Each node's Ready is carried
// out as the server's driver does it (persist into MemoryStorage, send, apply, advance), and
// messages sit in one queue until delivered, so a test decides exactly what happens when.
import { decodeConfChange } from '../../../raft/conf-change-codec.js';
import { MemoryStorage } from '../../../raft/memory-storage.js';
import { RawNode } from '../../../raft/raw-node.js';
import { EntryType, NONE } from '../../../raft/types.js';
import type { ConfState, Entry, Message, RaftConfig, ReadState, Ready } from '../../../raft/types.js';

/** Node settings; `random` (if given) replaces the source seeded by `seed`. */
export type NodeOptions = Partial<Omit<RaftConfig, 'id' | 'storage'>> & { seed?: number };

export interface Peer {
  id: string;
  node: RawNode;
  storage: MemoryStorage;
  options: NodeOptions;
  /** Every committed entry applied, in order. */
  applied: Entry[];
  /** Index of the last applied entry or installed snapshot. */
  appliedIndex: number;
  readStates: ReadState[];
  /** Configurations returned by applyConfChange, in order. */
  confStates: ConfState[];
}

/** Deterministic [0, 1) source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

type MessageFilter = Partial<Pick<Message, 'from' | 'to'>>;

function matches(m: Message, type: Message['type'], filter: MessageFilter): boolean {
  return m.type === type && (filter.from === undefined || m.from === filter.from) && (filter.to === undefined || m.to === filter.to);
}

export class Network {
  readonly peers = new Map<string, Peer>();
  /** Sent but not yet delivered. */
  queue: Message[] = [];
  /** Every message sent so far (delivered or dropped), in order. */
  readonly sent: Message[] = [];
  /** Every message delivered so far, in order. */
  readonly delivered: Message[] = [];
  private drops: ((m: Message) => boolean)[] = [];

  /** A fresh group with these voters (and learners); every node gets the same options. */
  constructor(voters: string[], options: NodeOptions = {}, learners: string[] = []) {
    voters.forEach((id, i) => this.add(id, { voters, learners }, { seed: i + 1, ...options }));
    learners.forEach((id, i) => this.add(id, { voters, learners }, { seed: 100 + i, ...options }));
  }

  /** Starts a node with an empty log and the given initial configuration. */
  add(id: string, confState: ConfState, options: NodeOptions = {}): Peer {
    const storage = new MemoryStorage(confState);
    const peer: Peer = { id, node: this.newNode(id, storage, options), storage, options, applied: [], appliedIndex: 0, readStates: [], confStates: [] };
    this.peers.set(id, peer);
    return peer;
  }

  /** Crash and restart: unpersisted state is lost, the node is rebuilt from its storage. */
  restart(id: string): Peer {
    const peer = this.peer(id);
    peer.node = this.newNode(id, peer.storage, { ...peer.options, applied: peer.appliedIndex });
    return peer;
  }

  /** Gives `id` (not yet started) a persisted log and term, as if it had lived before, and restarts it. */
  preload(id: string, entries: Entry[], term: number): void {
    const peer = this.peer(id);
    peer.storage.append(entries);
    peer.storage.setHardState({ term, vote: NONE, commit: 0 });
    this.restart(id);
  }

  peer(id: string): Peer {
    const peer = this.peers.get(id);
    if (!peer) throw new Error(`no peer ${id}`);
    return peer;
  }

  node(id: string): RawNode {
    return this.peer(id).node;
  }

  tick(id: string, times = 1): void {
    for (let i = 0; i < times; i++) this.node(id).tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const peer of this.peers.values()) peer.node.tick();
  }

  /**
   * Carries out one Ready of `id` (if any) and returns it; its messages join the queue.
   * `inspect` sees the Ready as soon as it is taken, before any of it is carried out.
   */
  processReady(id: string, inspect?: (rd: Ready) => void): Ready | undefined {
    const peer = this.peer(id);
    if (!peer.node.hasReady()) return undefined;
    const rd = peer.node.ready();
    inspect?.(rd);
    if (rd.snapshot) {
      peer.storage.applySnapshot(rd.snapshot);
      peer.appliedIndex = rd.snapshot.metadata.index;
    }
    peer.storage.append(rd.entries);
    if (rd.hardState) peer.storage.setHardState(rd.hardState);
    this.queue.push(...rd.messages);
    this.sent.push(...rd.messages);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.ConfChange) peer.confStates.push(peer.node.applyConfChange(decodeConfChange(e.data)));
      peer.applied.push(e);
      peer.appliedIndex = e.index;
    }
    peer.readStates.push(...rd.readStates);
    peer.node.advance(rd);
    return rd;
  }

  /** Carries out every node's Readies until none has one left; their messages join the queue. True if there was any. */
  processAllReadies(): boolean {
    let any = false;
    for (const id of this.peers.keys()) while (this.processReady(id)) any = true;
    return any;
  }

  /** Delivers every queued message once (those sent in response wait for the next call). */
  deliver(): number {
    const batch = this.queue;
    this.queue = [];
    for (const m of batch) {
      const to = this.peers.get(m.to);
      if (!to || this.drops.some((drop) => drop(m))) continue;
      this.delivered.push(m);
      to.node.step(m);
    }
    return batch.length;
  }

  /** Processes Readies and delivers messages until nothing is left to do. */
  stabilize(): void {
    for (let round = 0; round < 10_000; round++) {
      const processed = this.processAllReadies();
      const delivered = this.deliver() > 0;
      if (!processed && !delivered) return;
    }
    throw new Error('the network did not stabilize');
  }

  /** Drops messages matching `rule` from now on (until heal). */
  drop(rule: (m: Message) => boolean): void {
    this.drops.push(rule);
  }

  isolate(id: string): void {
    this.drop((m) => m.from === id || m.to === id);
  }

  cut(a: string, b: string): void {
    this.drop((m) => (m.from === a && m.to === b) || (m.from === b && m.to === a));
  }

  heal(): void {
    this.drops = [];
  }

  /** Elects `id` (campaign and stabilize). */
  elect(id: string): void {
    this.node(id).campaign();
    this.stabilize();
  }

  /** Payloads of the normal, non-empty entries applied on `id`. */
  appliedData(id: string): string[] {
    return this.peer(id)
      .applied.filter((e) => e.type === EntryType.Normal && e.data.length > 0)
      .map((e) => text(e.data));
  }

  /** Messages of `type` delivered so far (optionally only those from/to someone). */
  deliveredOf(type: Message['type'], filter: MessageFilter = {}): Message[] {
    return this.delivered.filter((m) => matches(m, type, filter));
  }

  /** Messages of `type` sent so far, delivered or not. */
  sentOf(type: Message['type'], filter: MessageFilter = {}): Message[] {
    return this.sent.filter((m) => matches(m, type, filter));
  }

  /** Which nodes consider themselves leader. */
  leaders(): string[] {
    return [...this.peers.values()].filter((p) => p.node.status().softState.state === 'leader').map((p) => p.id);
  }

  private newNode(id: string, storage: MemoryStorage, options: NodeOptions): RawNode {
    const { seed = 1, ...rest } = options;
    return new RawNode({ id, storage, electionTick: 10, heartbeatTick: 1, random: seededRandom(seed), ...rest });
  }
}
