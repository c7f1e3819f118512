// CPU time from Linux's /proc: a process's (all its threads', not its children's) user + system
// time from /proc/<pid>/stat, and the whole machine's busy time from /proc/stat, both in clock
// ticks (`getconf CLK_TCK`, normally 100 a second) turned into seconds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`: the unit of the times in /proc/<pid>/stat and /proc/stat. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 10_000 }).trim());
    if (!Number.isInteger(value) || value <= 0) throw new Error(`getconf CLK_TCK answered '${value}'`);
    ticksPerSecond = value;
  }
  return ticksPerSecond;
}

/**
 * utime + stime, in ticks, from the text of /proc/<pid>/stat. The command name (field 2) is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted after its last
 * ')': there field 3 (state) comes first, utime is field 14 and stime field 15.
 */
export function statCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no utime/stime in '${stat}'`);
  return utime + stime;
}

/** CPU seconds process `pid` has used so far (every thread of it; not its children). */
export function processCpuSeconds(pid: number): number {
  return statCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicksPerSecond();
}

export interface MachineTicks {
  /** Every CPU's ticks not spent idle or waiting for I/O. */
  busy: number;
  total: number;
}

/** The aggregate "cpu" line of /proc/stat's text: user nice system idle iowait irq softirq steal ... */
export function machineTicks(procStat: string): MachineTicks {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
}

export function readMachineTicks(): MachineTicks {
  return machineTicks(readFileSync('/proc/stat', 'utf8'));
}

/** Cores kept busy between two readings of /proc/stat, on a machine of `cores` CPUs. */
export function busyCores(before: MachineTicks, after: MachineTicks, cores: number): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.busy - before.busy) / total) * cores : 0;
}

/**
 * Microseconds of CPU per operation: the CPU seconds used per wall second of one window, divided
 * by the operations completed per second of another (two clocks' windows over the same steady
 * load need not be the same length).
 */
export function cpuMicrosPerOp(cpu: { cpuSeconds: number; wallSeconds: number }, done: { ops: number; seconds: number }): number {
  if (done.ops <= 0 || cpu.wallSeconds <= 0) return NaN;
  return ((cpu.cpuSeconds / cpu.wallSeconds) / (done.ops / done.seconds)) * 1e6;
}
