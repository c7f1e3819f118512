// An etcd member's data directory as `raftkv migrate --from-data-dir` finds it: its snapshot and
// WAL files, refused when it is not one or when a running etcd holds it. etcd 3.4 locks each WAL
// file it has open (an open-file-description fcntl lock on Linux, flock where that is missing);
// both kinds show in /proc/locks, which is where this looks.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirFiles {
  /** member/snap/*.snap, newest first (etcd names them <term>-<index> in fixed-width hex). */
  snaps: string[];
  /** member/wal/*.wal in order. */
  wals: string[];
}

/** The files to read; throws a message for the operator when `dir` is no stopped member's. */
export function dataDirFiles(dir: string): DataDirFiles {
  const walDir = join(dir, 'member', 'wal');
  const listed = (sub: string, ext: string): string[] => {
    const path = join(dir, 'member', sub);
    return existsSync(path) ? readdirSync(path).filter((f) => f.endsWith(ext)).sort().map((f) => join(path, f)) : [];
  };
  const wals = listed('wal', '.wal');
  if (wals.length === 0) throw new Error(`${dir} is not an etcd data directory: ${walDir} holds no .wal files`);
  const locked = wals.filter(isLocked);
  if (locked.length > 0) throw new Error(`${dir} is in use: a running etcd holds a lock on ${locked.join(', ')}; stop that member first (its peers may keep running)`);
  return { snaps: listed('snap', '.snap').reverse(), wals };
}

/** Whether any process holds a lock on the file (Linux's /proc/locks; elsewhere nothing is known). */
function isLocked(file: string): boolean {
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return false;
  }
  const { dev, ino } = statSync(file, { bigint: true });
  // Linux's dev_t: minor in bits 0-7 and 20-39, major in bits 8-19 and 44-63; /proc/locks prints them in hex.
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  const id = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`;
  return locks.split('\n').some((line) => line.split(/\s+/).includes(id));
}
