// Building logs for tests: entries described by their terms.
import { EntryType } from '../../../raft/types.js';
import type { Entry } from '../../../raft/types.js';

/** Entries at `firstIndex`, `firstIndex + 1`, ... with the given terms and empty data. */
export function entriesWithTerms(terms: number[], firstIndex = 1): Entry[] {
  return terms.map((term, i) => ({ term, index: firstIndex + i, type: EntryType.Normal, data: new Uint8Array() }));
}

export function termsOf(entries: Entry[]): number[] {
  return entries.map((e) => e.term);
}
