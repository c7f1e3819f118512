// /debug/vars, as etcd serves Go's expvar: one JSON object, its variables in name order, one per
// line. "cmdline" and "raft.status" are etcd's; "file_descriptor_limit" is the soft open-files
// limit, as etcd reports it. Go's "memstats" (runtime.MemStats) has no Node counterpart field for
// field, so "memstats" holds Node's own figures, under Node's names: process.memoryUsage() and
// v8.getHeapStatistics().
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

export function debugVarsBody(raftStatus: object): string {
  const vars: Record<string, unknown> = {
    cmdline: process.argv.slice(1),
    file_descriptor_limit: fileDescriptorLimit(),
    memstats: { ...process.memoryUsage(), ...getHeapStatistics() },
    'raft.status': raftStatus,
  };
  const lines = Object.entries(vars)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** The soft RLIMIT_NOFILE, from /proc (Linux); undefined where it cannot be read. */
function fileDescriptorLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}
