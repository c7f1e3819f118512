// The counters behind /v2/stats/store, in etcd's JSON field order.

export type Operation = 'gets' | 'sets' | 'delete' | 'update' | 'create' | 'compareAndSwap' | 'compareAndDelete';

const COUNTERS = [
  'getsSuccess',
  'getsFail',
  'setsSuccess',
  'setsFail',
  'deleteSuccess',
  'deleteFail',
  'updateSuccess',
  'updateFail',
  'createSuccess',
  'createFail',
  'compareAndSwapSuccess',
  'compareAndSwapFail',
  'compareAndDeleteSuccess',
  'compareAndDeleteFail',
  'expireCount',
] as const;

type Counter = (typeof COUNTERS)[number];

export type StoreStatsJSON = Record<Counter | 'watchers', number>;

export class StoreStats {
  private readonly counts: Record<Counter, number>;

  constructor(values: readonly number[] = []) {
    this.counts = Object.fromEntries(COUNTERS.map((name, i) => [name, values[i] ?? 0])) as Record<Counter, number>;
  }

  record(op: Operation, success: boolean): void {
    this.counts[`${op}${success ? 'Success' : 'Fail'}`]++;
  }

  recordExpiry(): void {
    this.counts.expireCount++;
  }

  toJSON(watchers: number): StoreStatsJSON {
    return { ...this.counts, watchers };
  }

  /** The counters in a fixed order, for snapshots. */
  values(): number[] {
    return COUNTERS.map((name) => this.counts[name]);
  }
}
