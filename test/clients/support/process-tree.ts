// kill -9 for a process that is not our child and its children (a postmaster Patroni started in a
// session of its own, with backends that made themselves group leaders), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  state: string;
  ppid: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Gone, or a zombie: in a container, PID 1 may never reap an orphan. */
export function isGone(pid: number): boolean {
  const s = stat(pid);
  return s === undefined || s.state === 'Z' || s.state === 'X';
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => stat(p)?.ppid === pid);
}

/** SIGKILL to `pid` and its children, synchronously (it also serves exit-time cleanup). */
export function killTree(pid: number): void {
  const all = [pid, ...childrenOf(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
