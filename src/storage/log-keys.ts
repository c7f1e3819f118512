// Key layout of the log database. Indexes are 16 hex digits (like etcd's WAL and snapshot file
// names) so LevelDB's byte order is index order and a range scan reads the log in sequence.

export const HARD_STATE_KEY = 'hardstate';
const ENTRY_PREFIX = 'entry/';
const SNAPSHOT_PREFIX = 'snapshot/';
const META_PREFIX = 'meta/';

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export const entryKey = (index: number): string => ENTRY_PREFIX + hex16(index);
export const snapshotKey = (index: number): string => SNAPSHOT_PREFIX + hex16(index);
export const metaKey = (name: string): string => META_PREFIX + name;

export const entryIndexOf = (key: string): number => parseInt(key.slice(ENTRY_PREFIX.length), 16);
export const metaNameOf = (key: string): string => key.slice(META_PREFIX.length);

/** Bounds selecting every key under a prefix ('/' + 1 is '0'). */
function under(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + '0' };
}

export const ENTRY_RANGE = under(ENTRY_PREFIX);
export const SNAPSHOT_RANGE = under(SNAPSHOT_PREFIX);
export const META_RANGE = under(META_PREFIX);

/** Human-readable location of a key, for CorruptLogError. */
export function describeKey(key: string): { where: string; index?: number } {
  if (key.startsWith(ENTRY_PREFIX)) {
    const index = entryIndexOf(key);
    return { where: `entry ${index}`, index };
  }
  if (key.startsWith(SNAPSHOT_PREFIX)) return { where: `snapshot record ${parseInt(key.slice(SNAPSHOT_PREFIX.length), 16)}` };
  if (key.startsWith(META_PREFIX)) return { where: `meta ${metaNameOf(key)}` };
  if (key === HARD_STATE_KEY) return { where: 'hard state' };
  return { where: `key ${key}` };
}
