// The arithmetic of the cpu workload: CPU time read from /proc (checked against the kernel's own
// account of this process), machine busy cores, CPU µs per operation, and the etcd/raftkv ratio.
import { describe, expect, it } from 'vitest';
import { busyCores, clockTicksPerSecond, cpuMicrosPerOp, machineTicks, processCpuSeconds, statCpuTicks } from '../../bench/harness/proc-cpu.js';
import { ratios, type Row } from '../../bench/rows.js';

describe('CPU time from /proc', () => {
  it('adds utime and stime (fields 14 and 15), counting fields after the last parenthesis of the command name', () => {
    // comm "a) b (c" holds spaces and parentheses; utime 1234, stime 567, cutime 89 and cstime 10 (children: not counted).
    const stat = '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 89 10 20 0 3 0 12345 1000000 200';
    expect(statCpuTicks(stat)).toBe(1234 + 567);
  });

  it("reads this process's CPU time as the kernel accounts it, to a tick or two", () => {
    const tick = 1 / clockTicksPerSecond();
    const before = { proc: processCpuSeconds(process.pid), own: process.cpuUsage() };
    // Burn 0.3 s of CPU, however long a busy machine takes to give it (wall time would not do:
    // with other processes on both cores, 0.3 s of it held under 0.1 s of CPU).
    const ownCpuSeconds = (): number => {
      const used = process.cpuUsage(before.own);
      return (used.user + used.system) / 1e6;
    };
    while (ownCpuSeconds() < 0.3);
    const ownSeconds = ownCpuSeconds();
    const procSeconds = processCpuSeconds(process.pid) - before.proc;
    expect(Math.abs(procSeconds - ownSeconds)).toBeLessThanOrEqual(3 * tick);
  });

  it('counts busy machine time as all but idle and iowait, over every CPU', () => {
    const before = machineTicks('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n');
    const after = machineTicks('cpu  250 0 100 1000 50 0 10 0 0 0\ncpu0 1 0 1 1 1 0 0 0 0 0\n');
    expect(before).toEqual({ busy: 150, total: 1000 });
    expect(after).toEqual({ busy: 360, total: 1410 });
    // 210 of 410 ticks busy on a 2-core machine: 1.02 cores.
    expect(busyCores(before, after, 2)).toBeCloseTo((210 / 410) * 2, 10);
  });
});

describe('CPU per operation', () => {
  it('is CPU seconds per second over operations per second, in µs', () => {
    // 0.9 CPU seconds in 5 s while 1,000 ops/s completed: 180 µs each.
    expect(cpuMicrosPerOp({ cpuSeconds: 0.9, wallSeconds: 5 }, { ops: 5000, seconds: 5 })).toBeCloseTo(180, 9);
    // Windows of different lengths over the same load compare by rate.
    expect(cpuMicrosPerOp({ cpuSeconds: 0.918, wallSeconds: 5.1 }, { ops: 5000, seconds: 5 })).toBeCloseTo(180, 9);
  });

  it('is not a number when nothing completed', () => {
    expect(cpuMicrosPerOp({ cpuSeconds: 1, wallSeconds: 5 }, { ops: 0, seconds: 5 })).toBeNaN();
  });

  it("is compared as etcd's over raftkv's, above 1 favouring raftkv", () => {
    const row = (target: Row['target'], microsPerOp: number): Row => ({
      workload: 'cpu', case: 'writes spread at 1,000/s', target, ops: 5000, seconds: 5, opsPerSec: 1000,
      latency: { count: 5000, p50Ms: 1, p99Ms: 2, maxMs: 3 }, errors: {}, notes: {}, cpu: { offeredPerSec: 1000, microsPerOp },
    });
    const [ratio] = ratios([row('raftkv', 200), row('etcd', 300)]);
    expect(ratio!.cpuPerOp).toBeCloseTo(1.5, 10);
    expect(ratio!.opsPerSec).toBe(1);
  });
});
