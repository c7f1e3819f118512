// The CPU a cluster's members used over one measured window, read from /proc before and after,
// beside what the whole machine (the load generator, and other jobs on a shared machine) used over
// the same window.
import { cpus, loadavg } from 'node:os';
import { sleep } from './harness/wait.js';
import { busyCores, processCpuSeconds, readMachineTicks } from './harness/proc-cpu.js';

export interface CpuWindow {
  wallSeconds: number;
  /** Each member process's, in the order of the pids given. */
  memberCpuSeconds: number[];
  /** Cores the whole machine kept busy, members, generator and everything else alike. */
  machineBusyCores: number;
  /** The 1-minute load average at the window's end. */
  loadAverage: number;
}

/** Reads the CPU time of `memberPids` and of the machine now and again after `durationMs`. */
export async function measureCpuWindow(memberPids: number[], durationMs: number): Promise<CpuWindow> {
  const members = (): number[] => memberPids.map(processCpuSeconds);
  const machineBefore = readMachineTicks();
  const membersBefore = members();
  const startedAt = performance.now();
  await sleep(durationMs);
  const membersAfter = members();
  const wallSeconds = (performance.now() - startedAt) / 1000;
  return {
    wallSeconds,
    memberCpuSeconds: membersAfter.map((after, i) => after - membersBefore[i]!),
    machineBusyCores: busyCores(machineBefore, readMachineTicks(), cpus().length),
    loadAverage: loadavg()[0]!,
  };
}
