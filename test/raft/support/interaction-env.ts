// The commands of the interaction transcripts (test/raft/interaction/*.txt): a group of
// RawNodes driven one step at a time, printing every Ready, message and log line, so a
// transcript shows exactly what the core does. After etcd-io/raft's rafttest.InteractionEnv.
//
// Nodes are numbered 1, 2, 3... in the order they are added. Their random source returns 0
// (unless set-randomized-election-timeout says otherwise), so the randomized election timeout
// is exactly electionTick and `tick-election` makes any follower campaign. Readies are carried out by the unit tests' Network (persist
// into MemoryStorage, queue the messages, apply committed entries, advance); messages wait
// in one queue until a command delivers them.
//
// Commands (ids: node ids; where a command takes a list, no ids means every node):
//   add-nodes N voters=(1,2,3) [learners=(4)] [pre-vote=true] [check-quorum=true]
//             [election-tick=10] [heartbeat-tick=1] [max-inflight=N] [max-size=N]
//                                  start N nodes (the next ids) with that configuration
//   campaign ID                    start an election (a pre-election with pre-vote)
//   propose ID DATA                propose a normal entry
//   propose-conf-change ID add=X | remove=X | add-learner=X
//   transfer-leadership from=ID to=ID   ask `from` (leader or follower) to hand over to `to`
//   read-index ID CTX              ask for a read point, answered as a ReadState with CTX
//   report-peer-down ID peer=X     ID's transport says X's process is gone
//   tick-election [ids]            tick electionTick times
//   tick-heartbeat [ids]           tick heartbeatTick times
//   set-randomized-election-timeout ID timeout=T
//   process-ready [ids]            carry out one Ready of each (persist, queue msgs, apply, advance)
//   deliver-msgs [ids] [type=T]    step the queued messages addressed to them (of type T)
//   stabilize [ids]                process Readies and deliver messages among them until idle
//   isolate [ids] / heal [ids]     drop / stop dropping messages from or to them, at delivery
//   status [ids]                   role, hard state, configuration, progress (on a leader)
//   raft-state [ids]               one line per node
//   raft-log ID                    the entries the node has persisted
//   log-level info | warn | none   which of the core's log lines to print (default info)
// A call into the core that throws (a refused proposal, say) prints `error: <message>`; a
// mistake in the transcript itself (an unknown command or node) fails the test.
import { decodeConfChange } from '../../../raft/conf-change-codec.js';
import { ConfChangeType, EntryType, MessageType, NONE } from '../../../raft/types.js';
import type { ConfChange, ConfState, Entry, Message, RaftConfig, RaftLogger, Ready, Snapshot } from '../../../raft/types.js';
import { Network, bytes, text } from './network.js';
import type { NodeOptions } from './network.js';
import { listValue, parseCommand } from './transcript.js';
import type { Command } from './transcript.js';

const LOG_LEVELS = ['info', 'warn', 'none'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

const MESSAGE_TYPE_NAMES = new Map<number, string>(Object.entries(MessageType).map(([name, type]) => [type, name]));

const CONF_CHANGE_KEYS = new Map<string, ConfChangeType>([
  ['add', ConfChangeType.AddNode],
  ['remove', ConfChangeType.RemoveNode],
  ['add-learner', ConfChangeType.AddLearnerNode],
]);
const CONF_CHANGE_NAMES = new Map([...CONF_CHANGE_KEYS].map(([name, type]) => [type, name]));

function parseBoolean(value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new Error(`expected true or false, got ${value}`);
  return value === 'true';
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${value}`);
  return n;
}

/** The options of add-nodes: which RaftConfig field each sets, and how its value reads. */
const NODE_OPTIONS = new Map<string, [keyof RaftConfig, (value: string) => boolean | number]>([
  ['pre-vote', ['preVote', parseBoolean]],
  ['check-quorum', ['checkQuorum', parseBoolean]],
  ['election-tick', ['electionTick', parseCount]],
  ['heartbeat-tick', ['heartbeatTick', parseCount]],
  ['max-inflight', ['maxInflightMsgs', parseCount]],
  ['max-size', ['maxSizePerMsg', parseCount]],
]);

/** Timing of a node, kept for the tick commands. */
interface Timing {
  electionTick: number;
  heartbeatTick: number;
}

export class InteractionEnv {
  private readonly net = new Network([]);
  private readonly timing = new Map<string, Timing>();
  private readonly isolated = new Set<string>();
  /** Who sent each queued message: not always `from` (a forwarded TransferLeader names the transferee). */
  private readonly senders = new WeakMap<Message, string>();
  /** What each node's random source returns (0 unless set-randomized-election-timeout changed it). */
  private readonly randomDraw = new Map<string, number>();
  private level: LogLevel = 'info';
  private out: string[] = [];
  private indent = '';

  /** Runs one command line and returns what it printed ("ok" if nothing). Harness errors throw. */
  run(line: string): string[] {
    this.out = [];
    this.indent = '';
    this.dispatch(parseCommand(line));
    return this.out.length > 0 ? this.out : ['ok'];
  }

  private dispatch(c: Command): void {
    switch (c.name) {
      case 'log-level':
        return this.setLogLevel(one(c.positional, 'a level'));
      case 'add-nodes':
        return this.addNodes(c);
      case 'campaign': {
        const node = this.net.node(this.id(c));
        this.attempt(() => node.campaign());
        return;
      }
      case 'propose':
        return this.propose(c);
      case 'propose-conf-change':
        return this.proposeConfChange(c);
      case 'transfer-leadership': {
        const [node, to] = [this.net.node(this.known(key(c, 'from'))), key(c, 'to')];
        this.attempt(() => node.transferLeader(to));
        return;
      }
      case 'read-index':
        return this.readIndex(c);
      case 'report-peer-down': {
        const [node, peer] = [this.net.node(this.id(c)), key(c, 'peer')];
        this.attempt(() => node.reportPeerDown(peer));
        return;
      }
      case 'tick-election':
        return this.tick(c, (t) => t.electionTick);
      case 'tick-heartbeat':
        return this.tick(c, (t) => t.heartbeatTick);
      case 'process-ready':
        for (const id of this.ids(c)) this.section(`${id} handling Ready`, () => this.handleReady(id) || this.print('no Ready'));
        return;
      case 'deliver-msgs':
        return this.deliverMsgs(c);
      case 'stabilize':
        return this.stabilize(this.ids(c));
      case 'isolate':
        for (const id of this.ids(c)) this.isolated.add(id);
        return;
      case 'heal':
        for (const id of this.ids(c)) this.isolated.delete(id);
        return;
      case 'status':
        for (const id of this.ids(c)) this.printStatus(id);
        return;
      case 'raft-state':
        for (const id of this.ids(c)) this.print(this.stateLine(id));
        return;
      case 'raft-log':
        return this.printLog(this.id(c));
      case 'set-randomized-election-timeout':
        return this.setElectionTimeout(this.id(c), Number(key(c, 'timeout')));
      default:
        throw new Error(`unknown command ${c.name}`);
    }
  }

  // ---- commands ----

  private setLogLevel(level: string): void {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`log level ${level} is not one of ${LOG_LEVELS.join(', ')}`);
    this.level = level as LogLevel;
  }

  /** `add-nodes N voters=(1,2,3) [learners=(4)] [pre-vote=true] [check-quorum=true] [election-tick=10] [heartbeat-tick=1] [max-inflight=256] [max-size=N]` */
  private addNodes(c: Command): void {
    const count = Number(one(c.positional, 'a node count'));
    const confState: ConfState = { voters: listValue(c.keyed.get('voters') ?? '()'), learners: listValue(c.keyed.get('learners') ?? '()') };
    const settings: NodeOptions & Timing = { electionTick: 10, heartbeatTick: 1 };
    for (const [name, value] of c.keyed) {
      if (name === 'voters' || name === 'learners') continue;
      const option = NODE_OPTIONS.get(name);
      if (option === undefined) throw new Error(`add-nodes: unknown option ${name}`);
      const [field, parse] = option;
      Object.assign(settings, { [field]: parse(value) });
    }
    const timing: Timing = { electionTick: settings.electionTick, heartbeatTick: settings.heartbeatTick };
    for (let i = 0; i < count; i++) {
      const id = String(this.net.peers.size + 1);
      this.net.add(id, confState, { ...settings, random: () => this.randomDraw.get(id) ?? 0, logger: this.loggerFor(id) });
      this.timing.set(id, timing);
      const { voters, learners } = this.net.node(id).status().confState;
      this.print(`${this.stateLine(id)} voters=${list(voters)} learners=${list(learners)}`);
    }
  }

  private propose(c: Command): void {
    const [id, data] = c.positional;
    if (id === undefined || data === undefined) throw new Error('propose needs a node and data');
    const node = this.net.node(this.known(id));
    this.attempt(() => node.propose(bytes(data)));
  }

  /** `propose-conf-change 1 add=4` (or remove=4, add-learner=4) */
  private proposeConfChange(c: Command): void {
    const [[name, nodeId] = []] = c.keyed;
    const type = name === undefined ? undefined : CONF_CHANGE_KEYS.get(name);
    if (type === undefined || nodeId === undefined || c.keyed.size !== 1) throw new Error('propose-conf-change needs one of add=, remove=, add-learner=');
    const cc: ConfChange = { type, nodeId, context: new Uint8Array() };
    const node = this.net.node(this.id(c));
    this.attempt(() => node.proposeConfChange(cc));
  }

  private readIndex(c: Command): void {
    const [id, ctx] = c.positional;
    if (id === undefined || ctx === undefined) throw new Error('read-index needs a node and a context');
    const node = this.net.node(this.known(id));
    this.attempt(() => node.readIndex(bytes(ctx)));
  }

  /** Ticks each named node (all by default) as often as `ticks` says; prints what the core logs. */
  private tick(c: Command, ticks: (t: Timing) => number): void {
    for (const id of this.ids(c)) {
      const n = ticks(this.timing.get(id)!);
      this.attempt(() => this.net.tick(id, n));
    }
  }

  /** `deliver-msgs 1 2 [type=Heartbeat]`: delivers the queued messages to those nodes (all by default). */
  private deliverMsgs(c: Command): void {
    const typeName = c.keyed.get('type');
    const type = typeName === undefined ? undefined : MessageType[typeName as keyof typeof MessageType];
    if (typeName !== undefined && type === undefined) throw new Error(`deliver-msgs: no message type ${typeName}`);
    for (const id of this.ids(c)) {
      const msgs = this.take((m) => m.to === id && (type === undefined || m.type === type));
      if (msgs.length > 0) this.section(`${id} receiving messages`, () => this.receive(msgs));
    }
  }

  /** Handles Readies and delivers messages among `ids` until none of them has anything left to do. */
  private stabilize(ids: string[]): void {
    for (let round = 0; ; round++) {
      if (round === 1000) throw new Error('stabilize: still busy after 1000 rounds');
      let busy = false;
      for (const id of ids) {
        if (this.net.node(id).hasReady()) {
          busy = true;
          this.section(`${id} handling Ready`, () => this.handleReady(id));
        }
      }
      for (const id of ids) {
        const msgs = this.take((m) => m.to === id);
        if (msgs.length === 0) continue;
        busy = true;
        this.section(`${id} receiving messages`, () => this.receive(msgs));
      }
      if (!busy) return;
    }
  }

  /**
   * From now on `id` waits `timeout` ticks without a leader before it campaigns (instead of
   * electionTick), as a node whose random draw came out high would: its random source returns
   * what yields `timeout`, and the timeout already drawn is replaced (a private field of the
   * core: the one place this harness reaches inside).
   */
  private setElectionTimeout(id: string, timeout: number): void {
    const { electionTick } = this.timing.get(id)!;
    if (!(timeout >= electionTick && timeout < 2 * electionTick)) throw new Error(`timeout must be in [${electionTick}, ${2 * electionTick})`);
    // The core draws electionTick + floor(random() * electionTick); the half keeps floor exact.
    this.randomDraw.set(id, (timeout - electionTick + 0.5) / electionTick);
    const raft = (this.net.node(id) as unknown as { raft: { randomizedElectionTimeout: number } }).raft;
    if (typeof raft?.randomizedElectionTimeout !== 'number') throw new Error('the core no longer has raft.randomizedElectionTimeout');
    raft.randomizedElectionTimeout = timeout;
  }

  // ---- carrying out ----

  /** Carries out one Ready of `id` and prints it; returns false if there was none. */
  private handleReady(id: string): boolean {
    const peer = this.net.peer(id);
    const confChangesBefore = peer.confStates.length;
    // Printed as soon as it is taken, so that what the core logs while it is carried out
    // (applying a conf change, say) follows it.
    const rd = this.attempt(() =>
      this.net.processReady(id, (taken) => {
        for (const m of taken.messages) this.senders.set(m, id);
        this.printReady(taken);
      }),
    );
    if (rd === undefined) return false;
    for (const cs of peer.confStates.slice(confChangesBefore)) this.print(`applied conf change: voters=${list(cs.voters)} learners=${list(cs.learners)}`);
    return true;
  }

  /** Steps each message into its recipient, unless an isolated node sends or receives it. */
  private receive(msgs: Message[]): void {
    for (const m of msgs) {
      if (this.isolated.has(this.senders.get(m) ?? m.from) || this.isolated.has(m.to)) {
        this.print(`dropped: ${describeMessage(m)}`);
        continue;
      }
      this.print(describeMessage(m));
      this.attempt(() => this.net.node(m.to).step(m));
    }
  }

  /** Removes the queued messages matching `pick` from the queue and returns them in order. */
  private take(pick: (m: Message) => boolean): Message[] {
    const taken = this.net.queue.filter(pick);
    this.net.queue = this.net.queue.filter((m) => !pick(m));
    return taken;
  }

  /** Calls into the core; an error it throws (a refused proposal, say) is printed, not thrown. */
  private attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.print(`error: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  // ---- printing ----

  private print(line: string): void {
    this.out.push(this.indent + line);
  }

  /** `> title` followed by what `body` prints, indented. */
  private section(title: string, body: () => void): void {
    this.print(`> ${title}`);
    this.indented(body);
  }

  private indented(body: () => void): void {
    const outer = this.indent;
    this.indent += '  ';
    try {
      body();
    } finally {
      this.indent = outer;
    }
  }

  /** Prints the items under a label, or nothing if there are none. */
  private printList(label: string, items: string[]): void {
    if (items.length === 0) return;
    this.print(`${label}:`);
    for (const item of items) this.print(`  ${item}`);
  }

  private printReady(rd: Ready): void {
    this.print(`Ready mustSync=${rd.mustSync}:`);
    if (rd.softState) this.print(`softState state=${rd.softState.state} lead=${nodeName(rd.softState.lead)}`);
    if (rd.hardState) this.print(`hardState term=${rd.hardState.term} vote=${nodeName(rd.hardState.vote)} commit=${rd.hardState.commit}`);
    if (rd.snapshot) this.print(`snapshot ${describeSnapshot(rd.snapshot)}`);
    this.printList('entries', rd.entries.map(describeEntry));
    this.printList('committedEntries', rd.committedEntries.map(describeEntry));
    this.printList('messages', rd.messages.map(describeMessage));
    this.printList('readStates', rd.readStates.map((rs) => `index=${rs.index} ctx=${JSON.stringify(text(rs.requestCtx))}`));
  }

  /** One line: role, hard state and cursors (and isolation). */
  private stateLine(id: string): string {
    const s = this.net.node(id).status();
    const isolated = this.isolated.has(id) ? ' (isolated)' : '';
    return `${id}: ${s.softState.state} term=${s.hardState.term} vote=${nodeName(s.hardState.vote)} lead=${nodeName(s.softState.lead)} commit=${s.commit} applied=${s.applied}${isolated}`;
  }

  private printStatus(id: string): void {
    const s = this.net.node(id).status();
    this.print(this.stateLine(id));
    this.indented(() => {
      this.print(`voters=${list(s.confState.voters)} learners=${list(s.confState.learners)}`);
      if (s.leadTransferee !== NONE) this.print(`transferring leadership to ${s.leadTransferee}`);
      const progress = Object.entries(s.progress ?? {}).map(
        ([pid, pr]) => `${pid}: ${pr.state} match=${pr.match} next=${pr.next}${pr.recentActive ? ' active' : ''}`,
      );
      this.printList('progress', progress);
    });
  }

  /** The log as `id` has persisted it. */
  private printLog(id: string): void {
    const storage = this.net.peer(id).storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    if (last < first) this.print(`empty log after t${storage.term(last)}/i${last}`);
    else for (const e of storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER)) this.print(describeEntry(e));
  }

  private loggerFor(id: string): RaftLogger {
    const log = (level: Exclude<LogLevel, 'none'>, msg: string, fields: Record<string, unknown> = {}): void => {
      if (this.level === 'none' || (this.level === 'warn' && level === 'info')) return;
      const shown = Object.entries(fields).filter(([k, v]) => v !== undefined && !(k === 'id' && v === id));
      const rest = shown.map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
      this.print(`${level.toUpperCase()} ${id} ${msg}${rest}`);
    };
    return { info: (msg, fields) => log('info', msg, fields), warn: (msg, fields) => log('warn', msg, fields) };
  }

  // ---- arguments ----

  /** The one node a command names. */
  private id(c: Command): string {
    return this.known(one(c.positional, 'a node'));
  }

  /** The nodes a command names, or every node if it names none. */
  private ids(c: Command): string[] {
    return c.positional.length === 0 ? [...this.net.peers.keys()] : c.positional.map((id) => this.known(id));
  }

  private known(id: string): string {
    if (!this.net.peers.has(id)) throw new Error(`no node ${id}`);
    return id;
  }
}

function one(args: string[], what: string): string {
  if (args.length !== 1) throw new Error(`expected ${what}, got ${JSON.stringify(args)}`);
  return args[0]!;
}

function key(c: Command, name: string): string {
  const value = c.keyed.get(name);
  if (value === undefined) throw new Error(`${c.name} needs ${name}=`);
  return value;
}

const nodeName = (id: string): string => (id === NONE ? 'none' : id);
const list = (ids: string[]): string => `(${ids.join(',')})`;
const logPosition = (term: number, index: number): string => `t${term}/i${index}`;

/** `t1/i3 "data"`, or `t1/i4 conf add 4` for a configuration change. */
export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    const cc = decodeConfChange(e.data);
    return `${logPosition(e.term, e.index)} conf ${CONF_CHANGE_NAMES.get(cc.type)} ${cc.nodeId}`;
  }
  return `${logPosition(e.term, e.index)} ${JSON.stringify(text(e.data))}`;
}

function describeSnapshot(s: Snapshot): string {
  const { index, term, confState } = s.metadata;
  return `${logPosition(term, index)} voters=${list(confState.voters)} learners=${list(confState.learners)}`;
}

/**
 * `from->to Type term=N` and the fields that are set. `log=tT/iI` is the entry before the
 * entries of an App and the last entry of a (Pre)Vote's candidate; a rejected AppResp's hint
 * is where the follower's log may agree with the leader's.
 */
export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${MESSAGE_TYPE_NAMES.get(m.type) ?? `type${m.type}`} term=${m.term}`];
  const positional = m.type === MessageType.App || m.type === MessageType.Vote || m.type === MessageType.PreVote;
  if (positional) parts.push(`log=${logPosition(m.logTerm, m.index)}`);
  else if (m.index !== 0) parts.push(`index=${m.index}`);
  if (m.commit !== 0) parts.push(`commit=${m.commit}`);
  if (m.reject) parts.push('rejected');
  if (m.type === MessageType.AppResp && m.reject) parts.push(`hint=${logPosition(m.logTerm, m.rejectHint)}`);
  else {
    if (!positional && m.logTerm !== 0) parts.push(`logTerm=${m.logTerm}`);
    if (m.rejectHint !== 0) parts.push(`rejectHint=${m.rejectHint}`);
  }
  if (m.context !== undefined && m.context.length > 0) parts.push(`ctx=${JSON.stringify(text(m.context))}`);
  if (m.snapshot) parts.push(`snapshot=${describeSnapshot(m.snapshot)}`);
  if (m.entries.length > 0) parts.push(`entries=[${m.entries.map(describeEntry).join(', ')}]`);
  return parts.join(' ');
}
