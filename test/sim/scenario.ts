// One simulated run, fixed entirely by its seed: a cluster under a random fault schedule, safety
// checked throughout, then healed and required to make progress within a bound.
import { FaultSchedule } from './fault-schedule.js';
import { Random } from './random.js';
import { healAndAwaitProgress } from './recovery.js';
import { SimCluster, STEPS_PER_TICK } from './sim-cluster.js';
import type { DiskLatency } from './sim-disk.js';
import type { MemberSettings } from './sim-member.js';
import type { Tally } from './tally.js';
import { Trace } from './trace.js';

export const ELECTION_TICK = 10;
/** Ticks of faults before the network heals. */
export const CHAOS_TICKS = 400;
/**
 * Liveness bound: after healing, a leader is elected and a new write is applied by every member
 * of the configuration within this many ticks (60 election timeouts). Healing removes cuts and
 * loss but keeps delays of up to 3 ticks, so several candidates may time out together and split
 * the vote a few rounds running: with the old hand-written driver 99% of runs recovered within 30
 * ticks and the slowest of some 24,000 took 91; with the production driver and a slow disk the
 * slowest of some 4,500 took 86. Members' proposals wait for a leader and are offered again to
 * each new one (the production Proposer) rather than dropped; before a leader's uncommitted tail
 * was bounded, a healed leader could first have to replicate 400 and more entries one small App
 * at a time (the slowest of some 1,500 runs took 221 ticks, and one seed over 600); with the bound
 * the slowest of 300 took 43. The bound is there to catch a cluster that is stuck, not to time
 * elections or catch-up.
 */
export const RECOVERY_BOUND_TICKS = 60 * ELECTION_TICK;
const REPROPOSE_EVERY_TICKS = 2 * ELECTION_TICK;
/** Events shown from the end of a failed run. */
const TRACE_TAIL = 60;

/** How long a member's disk takes to land a write, in simulated ms: at once, or up to a good part of a tick. */
const DISK_LATENCIES: DiskLatency[] = [
  { min: 0, max: 0 },
  { min: 0, max: 2 },
  { min: 1, max: 6 },
];

/**
 * Batching and pipelining limits a run uses: one entry per App, small batches, or etcd-like
 * defaults; and how much uncommitted entry data a leader may hold (a few dozen small commands,
 * or the production default). Without that bound a leader that cannot commit for most of a run
 * appends every proposal offered to it, and once healed, under the narrowest flow control, it
 * took one run longer than the recovery bound to replicate that tail before a new write.
 */
const FLOW_CONTROL = [
  { maxSizePerMsg: 0, maxInflightMsgs: 256, maxUncommittedEntriesSize: 4096 },
  { maxSizePerMsg: 64, maxInflightMsgs: 8, maxUncommittedEntriesSize: 2048 },
  { maxSizePerMsg: 128, maxInflightMsgs: 2, maxUncommittedEntriesSize: 1024 },
  { maxSizePerMsg: 1024 * 1024, maxInflightMsgs: 256 },
];

export interface ScenarioOptions {
  size: number;
  chaosTicks?: number;
  /** Sees every event as it happens (for RAFT_SIM_TRACE=1). */
  echo?: (line: string) => void;
}

export interface ScenarioResult {
  /** Hash over every event of the run: equal for equal seeds. */
  fingerprint: string;
  /** Undefined for a run stranded by a removal (recovery.ts). */
  recoveryTicks: number | undefined;
  tally: Tally;
}

export class ScenarioFailure extends Error {
  constructor(
    readonly seed: number,
    size: number,
    cause: unknown,
    tail: string[],
  ) {
    super(`seed ${seed} (${size} members) failed: ${cause instanceof Error ? cause.message : String(cause)}\nlast events (time in simulated ms, ${STEPS_PER_TICK} per tick):\n  ${tail.join('\n  ')}`, { cause });
    this.name = 'ScenarioFailure';
  }
}

export async function runScenario(seed: number, options: ScenarioOptions): Promise<ScenarioResult> {
  const random = new Random(seed);
  const schedule = random.fork();
  const settings: MemberSettings = {
    tickMs: STEPS_PER_TICK,
    electionTick: ELECTION_TICK,
    preVote: schedule.chance(0.75),
    snapshotCount: schedule.int(4, 40),
    catchUpEntries: schedule.int(0, 6),
    historySize: schedule.pick([4, 8]),
    disk: schedule.pick(DISK_LATENCIES),
    ...schedule.pick(FLOW_CONTROL),
  };
  const trace = new Trace(TRACE_TAIL, options.echo);
  const cluster = new SimCluster(options.size, settings, random.fork(), trace);
  try {
    const faults = new FaultSchedule(cluster, schedule);
    const chaosTicks = options.chaosTicks ?? CHAOS_TICKS;
    for (let t = 1; t <= chaosTicks; t++) {
      faults.perturb();
      await cluster.runTicks(1);
      cluster.checkLogs();
    }
    const recoveryTicks = await healAndAwaitProgress(cluster, RECOVERY_BOUND_TICKS, REPROPOSE_EVERY_TICKS);
    cluster.checkLogs();
    return { fingerprint: trace.fingerprint(), recoveryTicks, tally: cluster.tally };
  } catch (err) {
    throw new ScenarioFailure(seed, options.size, err, trace.tail());
  }
}
