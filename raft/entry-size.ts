// Size accounting for batching entries into messages and reads.
import type { Entry } from './types.js';

/**
 * The longest prefix of `entries` whose data fits in `maxSize` bytes, but always at least one
 * entry so that an oversized entry still makes progress.
 */
export function limitSize(entries: Entry[], maxSize: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entries[0]!.data.byteLength;
  let count = 1;
  while (count < entries.length) {
    size += entries[count]!.data.byteLength;
    if (size > maxSize) break;
    count++;
  }
  return count === entries.length ? entries : entries.slice(0, count);
}
