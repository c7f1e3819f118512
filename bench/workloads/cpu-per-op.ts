// CPU per operation: at one offered rate (--rate a second, open-loop), the CPU every member
// process used (utime + stime from /proc/<pid>/stat, read before and after the measured window,
// summed over the members) per operation completed, for writes and for default and quorum reads,
// all spread over the members, and for watch notifications: 100 long-poll watchers on one
// directory, spread over the members, and writes to it on the leader at --rate / 100 a second,
// so that notifications too are delivered at --rate. The load generator is a process of its own
// and is not counted. Both targets' clusters are up at once, and each case runs --pairs times on
// each, alternating (A B, then B A, ...), so that a shared machine's load weighs on both alike;
// a row shows the medians.
import { measureCpuWindow, type CpuWindow } from '../cpu-window.js';
import { cpuMicrosPerOp } from '../harness/proc-cpu.js';
import type { LoadResult, Notes } from '../load-protocol.js';
import { median } from '../run-figures.js';
import { UNTIMED, type AlternatingWorkload, type CaseOutcome, type WorkloadContext } from './workload.js';

const WATCHERS = 100;
// Clients of the open loop: connections enough that a stall of a few hundred ms queues no write behind another.
const CLIENTS = 64;
const KEYS = 1000;
const PREFIX = '/bench/cpu';

interface Run {
  result: LoadResult;
  cpu: CpuWindow;
}

interface CpuCase {
  name: string;
  /** Runs the case's load job, handing `onMeasuring` to ctx.load. */
  load(ctx: WorkloadContext, label: string, onMeasuring: Parameters<WorkloadContext['load']>[4]): Promise<LoadResult>;
}

function cases(rate: number): CpuCase[] {
  const reads = (quorum: boolean): CpuCase => ({
    name: `${quorum ? 'quorum' : 'default'} reads spread`,
    load: (ctx, label, onMeasuring) => ctx.load(label, 'get',
      { endpoints: ctx.cluster.clientUrls(), concurrency: CLIENTS, rate, quorum, prefix: PREFIX, keys: KEYS }, ctx.timed, onMeasuring),
  });
  return [
    {
      name: 'writes spread',
      load: (ctx, label, onMeasuring) => ctx.load(label, 'put',
        { endpoints: ctx.cluster.clientUrls(), concurrency: CLIENTS, rate, valueSize: ctx.options.valueSize, prefix: `${PREFIX}/writes` }, ctx.timed, onMeasuring),
    },
    reads(false),
    reads(true),
    {
      name: `watch notifications, ${WATCHERS} watchers`,
      load: async (ctx, label, onMeasuring) => {
        const leader = await ctx.cluster.waitForLeader();
        const params = { endpoints: ctx.cluster.clientUrls(), leader, watchers: WATCHERS, dir: `${PREFIX}/watch`, writesPerSecond: rate / WATCHERS };
        return ctx.load(label, 'pacedWatch', params, ctx.timed, onMeasuring);
      },
    },
  ];
}

/** One run of a case, the members' CPU read over the worker's measured window. */
async function measure(ctx: WorkloadContext, c: CpuCase, label: string): Promise<Run> {
  const pids = ctx.cluster.members.map((_, i) => ctx.cluster.pid(i));
  let cpu: Promise<CpuWindow> | undefined;
  const result = await c.load(ctx, label, () => {
    cpu = measureCpuWindow(pids, ctx.timed.durationMs!);
    return cpu.then(() => undefined);
  });
  if (!cpu) throw new Error(`${ctx.target} ${label}: the load worker never started measuring`);
  return { result, cpu: await cpu };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const memberCores = (run: Run): number => sum(run.cpu.memberCpuSeconds) / run.cpu.wallSeconds;
const microsPerOp = (run: Run): number =>
  cpuMicrosPerOp({ cpuSeconds: sum(run.cpu.memberCpuSeconds), wallSeconds: run.cpu.wallSeconds }, run.result);
const generatorCores = (run: Run): number => run.result.cpuSeconds / run.result.seconds;

/** `members` names the members in the order of the runs' CPU figures; `leader` is one of them. */
function outcome(name: string, rate: number, members: string[], leader: string, runs: Run[]): CaseOutcome {
  const perRun = runs.map(microsPerOp);
  const med = (pick: (run: Run) => number): number => median(runs.map(pick));
  const jobNotes: Notes = {};
  for (const [key, value] of Object.entries(runs[0]!.result.notes)) {
    jobNotes[key] = typeof value === 'number' ? med((run) => Number(run.result.notes[key])) : value;
  }
  return {
    case: name,
    runs: runs.map((run) => run.result),
    cpu: { offeredPerSec: rate, microsPerOp: median(perRun) },
    notes: {
      'CPU µs/op per run': perRun.map((x) => x.toFixed(0)).join('/'),
      ...jobNotes,
      'member cores': med(memberCores),
      [`cores of ${members.join('/')}`]: members.map((_, m) => med((run) => run.cpu.memberCpuSeconds[m]! / run.cpu.wallSeconds).toFixed(2)).join('/'),
      leader,
      'generator cores': med(generatorCores),
      'machine busy cores': med((run) => run.cpu.machineBusyCores),
      // Other jobs on a shared machine, the harness and the kernel's own work.
      'other cores': med((run) => run.cpu.machineBusyCores - memberCores(run) - generatorCores(run)),
      'load avg': med((run) => run.cpu.loadAverage),
    },
  };
}

export const cpuPerOp: AlternatingWorkload = {
  name: 'cpu',
  async alternate(ctxs) {
    const { rate, pairs } = ctxs[0]!.options;
    for (const ctx of ctxs) {
      const endpoints = ctx.cluster.clientUrls();
      await ctx.load('cpu: writing keys to read', 'put', { endpoints, concurrency: 16, valueSize: ctx.options.valueSize, prefix: PREFIX, keys: KEYS }, UNTIMED);
    }
    const outcomes: CaseOutcome[][] = ctxs.map(() => []);
    for (const c of cases(rate)) {
      const runs: Run[][] = ctxs.map(() => []);
      for (let pair = 1; pair <= pairs; pair++) {
        // A B, then B A: a load that rises or falls through the pairs favours neither.
        const order = pair % 2 === 1 ? [...ctxs.keys()] : [...ctxs.keys()].reverse();
        for (const i of order) runs[i]!.push(await measure(ctxs[i]!, c, `${c.name} at ${rate}/s, run ${pair}/${pairs}`));
      }
      for (const [i, ctx] of ctxs.entries()) {
        const { members } = ctx.cluster;
        const leader = members[await ctx.cluster.waitForLeader()]!.name;
        outcomes[i]!.push(outcome(`${c.name} at ${rate.toLocaleString('en-US')}/s`, rate, members.map((m) => m.name), leader, runs[i]!));
      }
    }
    return outcomes;
  },
};
