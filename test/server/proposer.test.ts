// The proposer over a real single-voter raft, its proposals applied by a state machine wired back
// to it as a member wires them. Time is a FakeClock.
import { describe, expect, it } from 'vitest';
import { StateType } from '../../raft/index.js';
import type { Entry } from '../../raft/index.js';
import { decodeCommand } from '../../src/server/commands.js';
import type { AwaitedCommand } from '../../src/server/commands.js';
import { LeaderTracker } from '../../src/server/leader-tracker.js';
import { Proposer } from '../../src/server/proposer.js';
import { StateMachine } from '../../src/server/state-machine.js';
import type { ApplyOutcome } from '../../src/server/state-machine.js';
import type { EtcdError, StoreEvent, V2Request } from '../../src/store/types.js';
import { FakeClock } from '../support/fake-clock.js';
import { SoloRaft } from './support/solo-raft.js';

const founders = { members: [{ id: 'm1', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [] }], removed: [] };
const ELECTION_TIMEOUT_MS = 1000;
const CONNECTION_LOST = { errorCode: 300, cause: 'etcdserver: request timed out, possibly due to connection lost' };

/** One process of member m1: its proposer (run `run`) and its state machine. */
class Process {
  readonly leader: LeaderTracker;
  readonly proposer: Proposer;
  readonly sm: StateMachine;
  failed = 0;
  term = 1;

  constructor(
    readonly clock: FakeClock,
    readonly raft: SoloRaft,
    readonly run: number,
  ) {
    this.leader = new LeaderTracker(clock, { electionTimeoutMs: ELECTION_TIMEOUT_MS, term: () => this.term });
    this.leader.update({ lead: 'm1', state: StateType.Leader });
    this.proposer = new Proposer({
      selfId: 'm1',
      run,
      clock,
      leader: this.leader,
      withNode: raft.withNode,
      requestTimeoutMs: 5000 + 2 * ELECTION_TIMEOUT_MS,
      electionTimeoutMs: ELECTION_TIMEOUT_MS,
      onFailed: () => this.failed++,
      logger: { warn: () => undefined },
    });
    this.sm = new StateMachine('m1', founders, {
      onOwnApplied: (id, outcome) => this.proposer.applied(id, outcome),
      onMembershipChanged: () => undefined,
      onRestored: (settled) => this.proposer.restored(settled),
    });
  }

  write(req: Omit<V2Request, 'time'>): Promise<ApplyOutcome | undefined> {
    const answer = this.proposer.propose((id) => ({ kind: 'v2', ...id, req: { ...req, time: this.clock.now() } }));
    answer.catch(() => undefined);
    return answer;
  }

  apply(entry: Entry): void {
    this.sm.applyEntry(entry);
  }
}

function command(entry: Entry): AwaitedCommand {
  return decodeCommand(entry.data) as AwaitedCommand;
}

async function settledValue<T>(clock: FakeClock, p: Promise<T>): Promise<{ value?: T; error?: unknown } | undefined> {
  let result: { value?: T; error?: unknown } | undefined;
  p.then((value) => (result = { value }), (error: unknown) => (result = { error }));
  await clock.settle();
  return result;
}

describe('the proposer', () => {
  // Found by the simulator ('request identity'): the state machine tells a member of its own
  // commands by member id, and a proposal made before a crash may commit after the restart.
  it('a restarted member does not answer its new request with the outcome of its previous process\'s proposal, though both are seq 1', async () => {
    const clock = new FakeClock();
    const raft = new SoloRaft();
    const before = new Process(clock, raft, 101);
    void before.write({ method: 'PUT', path: '/before', val: 'x' });
    const after = new Process(clock, raft, 202);
    const answer = after.write({ method: 'PUT', path: '/after', val: 'y' });
    const [old, fresh] = raft.appended;
    expect([command(old!).seq, command(fresh!).seq]).toEqual([1, 1]);
    after.apply(old!);
    expect(await settledValue(clock, answer)).toBeUndefined();
    after.apply(fresh!);
    expect(((await answer) as { event: StoreEvent }).event.node.key).toBe('/after');
  });

  it('stamps each proposal with its request id: member, run, seq and the smallest seq still waited on', async () => {
    const clock = new FakeClock();
    const p = new Process(clock, new SoloRaft(), 7);
    for (let i = 0; i < 3; i++) void p.write({ method: 'PUT', path: `/k${i}`, val: 'v' });
    p.apply(p.raft.appended[0]!);
    await clock.settle();
    void p.write({ method: 'PUT', path: '/k3', val: 'v' });
    expect(p.raft.appended.map((e) => { const { from, run, seq, low } = command(e); return { from, run, seq, low }; })).toEqual([
      { from: 'm1', run: 7, seq: 1, low: 1 },
      { from: 'm1', run: 7, seq: 2, low: 1 },
      { from: 'm1', run: 7, seq: 3, low: 1 },
      { from: 'm1', run: 7, seq: 4, low: 2 },
    ]);
  });

  it('offers every unanswered proposal again, the same bytes, when a new leader becomes known; one copy applies and answers', async () => {
    const clock = new FakeClock();
    const p = new Process(clock, new SoloRaft(), 7);
    const answer = p.write({ method: 'POST', path: '/queue', val: 'job' });
    p.leader.update({ lead: 'm2', state: StateType.Follower });
    const [first, copy] = p.raft.appended;
    expect(p.raft.appended).toHaveLength(2);
    expect(copy!.data).toEqual(first!.data);
    p.apply(first!);
    p.apply(copy!);
    const { event } = (await answer) as { event: StoreEvent };
    expect(event.action).toBe('create');
    expect(p.sm.store.get('/queue', { recursive: true }, clock.now()).node.nodes).toHaveLength(1);
    // Answered: a later leader change offers nothing more.
    p.leader.update({ lead: 'm3', state: StateType.Follower });
    expect(p.raft.appended).toHaveLength(2);
  });

  it('answers at once with etcd\'s timeout a proposal whose first copy reached its member inside a snapshot', async () => {
    const clock = new FakeClock();
    const raft = new SoloRaft();
    const p = new Process(clock, raft, 7);
    const answer = p.write({ method: 'PUT', path: '/k', val: 'v' });
    const leaderState = new StateMachine('m2', founders, { onOwnApplied: () => undefined, onMembershipChanged: () => undefined, onRestored: () => undefined });
    leaderState.applyEntry(raft.appended[0]!);
    p.sm.restoreSnapshot({ data: leaderState.snapshotData(), metadata: { index: 1, term: 1, confState: { voters: ['m1'], learners: [] } } });
    const result = await settledValue(clock, answer);
    expect((result?.error as EtcdError).toJSON()).toMatchObject({ errorCode: 300, cause: 'etcdserver: request timed out' });
    expect(p.sm.store.get('/k', {}, clock.now()).node.value).toBe('v');
  });

  it('once its member knows it is cut off from the quorum, fails what waits and what comes with etcd\'s connection-lost timeout, until a leader is known again', async () => {
    const clock = new FakeClock();
    const p = new Process(clock, new SoloRaft(), 7);
    const waiting = p.write({ method: 'PUT', path: '/k', val: 'v' });
    p.term = 2; // an election began elsewhere: not this leader's own step-down
    p.leader.update({ lead: '', state: StateType.Follower });
    await clock.advance(3 * ELECTION_TIMEOUT_MS - 1);
    expect(await settledValue(clock, waiting)).toBeUndefined();
    await clock.advance(1);
    expect(((await settledValue(clock, waiting))?.error as EtcdError).toJSON()).toMatchObject(CONNECTION_LOST);
    expect(p.failed).toBe(1);
    const appended = p.raft.appended.length;
    const refused = await settledValue(clock, p.write({ method: 'PUT', path: '/k2', val: 'v' }));
    expect((refused?.error as EtcdError).toJSON()).toMatchObject(CONNECTION_LOST);
    expect(p.raft.appended).toHaveLength(appended);
    p.leader.update({ lead: 'm1', state: StateType.Leader });
    void p.write({ method: 'PUT', path: '/k3', val: 'v' });
    expect(p.raft.appended).toHaveLength(appended + 1);
  });
});
