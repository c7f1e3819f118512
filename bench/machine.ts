// What a result was measured on: the machine, and the versions of node, raftkv and etcd.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { delimiter, join } from 'node:path';
import { RAFTKV_BIN } from './harness/process-cluster.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  kernel: string;
  memoryGiB: number;
  versions: { node: string; raftkv: string; etcd: string | undefined };
}

/** The etcd binary on PATH, or undefined when etcd isn't installed. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** The first line of `<binary> --version`, e.g. "etcd Version: 3.4.23". */
function versionOf(command: string, args: string[]): string {
  const out = execFileSync(command, [...args, '--version'], { encoding: 'utf8', timeout: 10_000 });
  return out.split('\n')[0]!.replace(/^.*Version:\s*/, '');
}

export function describeMachine(etcdBinary: string | undefined): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    kernel: `${type()} ${release()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    versions: {
      node: process.version,
      raftkv: versionOf(process.execPath, [RAFTKV_BIN]),
      etcd: etcdBinary ? versionOf(etcdBinary, []) : undefined,
    },
  };
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
