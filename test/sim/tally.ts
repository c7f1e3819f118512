// Counts of what a run (or many runs) actually exercised, so a property test can show that its
// random schedules reached crashes, partitions, snapshots and membership changes at all. What
// members do is counted per member: an entry applied by three members counts three times.
export const TALLY_KEYS = [
  'requests accepted',
  'requests dropped',
  'writes refused by the store',
  'reads answered',
  'SYNCs applied',
  'entries applied',
  'messages delivered',
  'messages lost',
  'partitions',
  'crashes',
  'crashes between send and persist',
  'crashes right after voting',
  'restarts',
  'snapshots taken',
  'snapshots installed',
  'conf changes proposed',
  'learners added',
  'learners promoted',
  'voters added',
  'members removed',
  'conf changes refused',
  'request copies refused',
  'leadership transfers',
  'peer-down reports',
  'false peer-down reports',
  'peer-up reports',
  'elections won',
  'runs stranded by a removal',
] as const;
export type TallyKey = (typeof TALLY_KEYS)[number];

export class Tally {
  private readonly counts = new Map<TallyKey, number>(TALLY_KEYS.map((k) => [k, 0]));

  add(key: TallyKey, n = 1): void {
    this.counts.set(key, this.get(key) + n);
  }

  get(key: TallyKey): number {
    return this.counts.get(key) ?? 0;
  }

  addAll(other: Tally): void {
    for (const key of TALLY_KEYS) this.add(key, other.get(key));
  }

  toString(): string {
    return TALLY_KEYS.map((k) => `${k}: ${this.get(k)}`).join(', ');
  }
}
