// The random schedule of a run: each tick it may propose v2 writes, ask for a read point, reshape
// the network's faults, cut or heal links, crash or restart members, tell a member falsely that
// its leader is down, change membership (now and then with a change the member list must
// refuse) or hand leadership over. How often each happens is itself drawn per run, so some runs are calm and
// others are storms.
import { ConfChangeType, ProposalDroppedError } from '../../raft/types.js';
import type { NodeId } from '../../raft/types.js';
import { describeConfChange } from './member-life.js';
import type { NetworkFaults } from './network.js';
import type { Random } from './random.js';
import type { SimCluster } from './sim-cluster.js';
import type { SimMember } from './sim-member.js';
import { Workload } from './workload.js';

/** Most members a cluster grows to through membership changes. */
const MAX_MEMBERS = 7;
/** Fewest voters a removal may leave. */
const MIN_VOTERS = 2;

interface Rates {
  propose: number;
  read: number;
  reshapeNetwork: number;
  partition: number;
  healPartition: number;
  crash: number;
  restart: number;
  falsePeerDown: number;
  membership: number;
  transfer: number;
}

export class FaultSchedule {
  private readonly rates: Rates;
  private readonly workload: Workload;
  private nextRead = 1;

  constructor(
    private readonly cluster: SimCluster,
    private readonly random: Random,
  ) {
    this.rates = {
      propose: random.pick([0.1, 0.3, 0.6]),
      read: random.pick([0.05, 0.2]),
      reshapeNetwork: 0.02,
      partition: random.pick([0, 0.01, 0.03]),
      healPartition: random.pick([0.02, 0.05, 0.15]),
      crash: random.pick([0, 0.004, 0.012]),
      restart: random.pick([0.02, 0.05, 0.15]),
      falsePeerDown: random.pick([0, 0.01, 0.05]),
      membership: random.pick([0, 0.01, 0.03]),
      transfer: random.pick([0, 0.005, 0.02]),
    };
    this.workload = new Workload(random.fork());
    this.reshapeNetwork();
  }

  /** Whatever happens at the start of one tick. */
  perturb(): void {
    const r = this.random;
    if (r.chance(this.rates.propose)) this.propose(r.int(1, 3));
    if (r.chance(this.rates.read)) this.read();
    if (r.chance(this.rates.reshapeNetwork)) this.reshapeNetwork();
    if (this.cluster.network.isPartitioned()) {
      if (r.chance(this.rates.healPartition)) this.healPartition();
    } else if (r.chance(this.rates.partition)) this.partition();
    if (r.chance(this.rates.crash)) this.crash();
    this.restart();
    if (r.chance(this.rates.falsePeerDown)) this.falsePeerDown();
    if (r.chance(this.rates.membership)) this.changeMembership();
    if (r.chance(this.rates.transfer)) this.transferLeadership();
  }

  /** Proposes `count` v2 writes through one running member (a follower forwards them to its leader). */
  private propose(count: number): void {
    const running = this.cluster.running();
    if (running.length === 0) return;
    const member = this.random.pick(running);
    for (let i = 0; i < count; i++) {
      const req = this.workload.next();
      this.accepted(`${req.method} ${req.path} via ${member.id}`, () => member.proposeWrite(req));
    }
  }

  /** Asks one running member for a linearizable read point (ReadIndex). */
  private read(): void {
    const running = this.cluster.running();
    if (running.length === 0) return;
    const member = this.random.pick(running);
    const ctx = `read-${this.nextRead++}`;
    // Registered before asking: a single-voter leader answers within the call.
    this.cluster.checker.observeReadRequested(ctx);
    this.accepted(`read ${ctx} via ${member.id}`, () => member.act((node) => node.readIndex(new TextEncoder().encode(ctx))));
  }

  private reshapeNetwork(): void {
    const r = this.random;
    const faults: NetworkFaults = {
      dropRate: r.pick([0, 0, 0.02, 0.1, 0.3]),
      duplicateRate: r.pick([0, 0.02, 0.1]),
      minDelay: 1,
      maxDelay: r.pick([1, 5, 10, 30]),
    };
    this.cluster.network.faults = faults;
    this.cluster.note(`network drop=${faults.dropRate} dup=${faults.duplicateRate} delay=${faults.minDelay}..${faults.maxDelay}`);
  }

  private partition(): void {
    const r = this.random;
    const ids = [...this.cluster.members.keys()];
    const net = this.cluster.network;
    const kind = r.pick(['isolate', 'split', 'deaf', 'mute', 'links'] as const);
    const victim = this.pickVictim(ids);
    const others = ids.filter((id) => id !== victim);
    if (kind === 'isolate') net.partition([[victim], others]);
    else if (kind === 'split') {
      const side = r.subset(ids, 0.5);
      net.partition([side, ids.filter((id) => !side.includes(id))]);
    } else if (kind === 'deaf') for (const id of others) net.cut(id, victim);
    else if (kind === 'mute') for (const id of others) net.cut(victim, id);
    else for (const from of ids) for (const to of ids) if (from !== to && r.chance(0.25)) net.cut(from, to);
    this.cluster.tally.add('partitions');
    this.cluster.note(`partition ${kind}: cut ${net.cutLinks().join(' ')}`);
  }

  private healPartition(): void {
    this.cluster.network.heal();
    this.cluster.note('partition healed');
  }

  private crash(): void {
    const running = this.cluster.running();
    if (running.length === 0) return;
    const victim = this.cluster.member(this.pickVictim(running.map((m) => m.id)))!;
    if (victim.isLeader && this.random.chance(0.5)) victim.crashAt('between send and persist');
    else if (!victim.isLeader && this.random.chance(0.3)) victim.crashAt('after voting');
    else victim.crash();
  }

  /** A member's link to its leader broke while the leader lives: its transport wrongly reports the leader down. */
  private falsePeerDown(): void {
    const leadOf = (m: SimMember) => m.node.status().softState.lead;
    const followers = this.cluster.running().filter((m) => !m.isLeader && this.cluster.member(leadOf(m))?.liveness === 'up');
    if (followers.length === 0) return;
    const member = this.random.pick(followers);
    this.cluster.reportPeerDown(member, leadOf(member), 'false peer-down reports');
  }

  /** Half the time the leader, whose loss is what Raft's safety argument is about; otherwise anyone. */
  private pickVictim(ids: NodeId[]): NodeId {
    const leader = this.cluster.leader();
    if (leader && ids.includes(leader.id) && this.random.chance(0.5)) return leader.id;
    return this.random.pick(ids);
  }

  /** Restarts a crashed member; one that crashed right after voting comes back at once, while its election may still run. */
  private restart(): void {
    const crashed = this.cluster.crashed();
    if (crashed.length === 0) return;
    const voter = crashed.find((m) => m.crashedAt === 'after voting');
    const member = voter ?? (this.random.chance(this.rates.restart) ? this.random.pick(crashed) : undefined);
    if (!member) return;
    member.start();
    this.cluster.tally.add('restarts');
  }

  /**
   * One membership change through the leader: add a learner or voter, promote a learner, remove
   * someone, or — to exercise the member list's validation — add a voter that already is one or
   * add back someone outside the configuration (refused if it was removed; a member whose first
   * addition was lost is simply added).
   */
  private changeMembership(): void {
    const leader = this.cluster.leader();
    if (!leader) return;
    const { voters, learners } = leader.node.status().confState;
    const outside = [...this.cluster.members.keys()].filter((id) => !voters.includes(id) && !learners.includes(id));
    const room = voters.length + learners.length < MAX_MEMBERS;
    const choices: (() => void)[] = [];
    if (room) choices.push(() => this.addMember(leader, ConfChangeType.AddLearnerNode), () => this.addMember(leader, ConfChangeType.AddNode));
    if (learners.length > 0) choices.push(() => this.proposeConfChange(leader, ConfChangeType.AddNode, this.random.pick(learners)));
    if (voters.length > MIN_VOTERS) choices.push(() => this.proposeConfChange(leader, ConfChangeType.RemoveNode, this.random.pick(voters)));
    if (learners.length > 0) choices.push(() => this.proposeConfChange(leader, ConfChangeType.RemoveNode, this.random.pick(learners)));
    if (this.random.chance(0.2)) {
      choices.length = 0;
      choices.push(() => this.proposeConfChange(leader, ConfChangeType.AddNode, this.random.pick(voters)));
      if (outside.length > 0) choices.push(() => this.proposeConfChange(leader, this.random.pick([ConfChangeType.AddNode, ConfChangeType.AddLearnerNode]), this.random.pick(outside)));
    }
    if (choices.length > 0) this.random.pick(choices)();
  }

  /** Starts a new empty member first, then asks the cluster to add it (the order etcd's `member add` implies). */
  private addMember(leader: SimMember, type: ConfChangeType): void {
    if (this.proposeConfChange(leader, type, this.cluster.nextMemberId())) this.cluster.addMember();
  }

  private proposeConfChange(leader: SimMember, type: ConfChangeType, nodeId: NodeId): boolean {
    const ok = this.accepted(`propose ${describeConfChange({ type, nodeId })} via ${leader.id}`, () => leader.proposeConfChange(type, nodeId));
    if (ok) this.cluster.tally.add('conf changes proposed');
    return ok;
  }

  private transferLeadership(): void {
    const leader = this.cluster.leader();
    if (!leader) return;
    const others = leader.node.status().confState.voters.filter((id) => id !== leader.id);
    if (others.length === 0) return;
    const to = this.random.pick(others);
    this.cluster.note(`transfer leadership ${leader.id} → ${to}`);
    this.cluster.tally.add('leadership transfers');
    leader.act((node) => node.transferLeader(to));
  }

  /** Makes a request (proposal, conf change, read); a ProposalDroppedError is a normal answer (no leader, transfer in progress). */
  private accepted(what: string, request: () => void): boolean {
    try {
      request();
      this.cluster.note(`${what}: accepted`);
      this.cluster.tally.add('requests accepted');
      return true;
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
      this.cluster.note(`${what}: dropped`);
      this.cluster.tally.add('requests dropped');
      return false;
    }
  }
}
