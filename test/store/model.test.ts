import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { EtcdError } from '../../src/store/types.js';
import type { StoreEvent, V2Request } from '../../src/store/types.js';
import { Model, ModelError, cleanKey } from './model.js';

const START = Date.UTC(2026, 10, 22, 5, 20, 0, 0);
const PATHS = ['/a', '/b', '/a/b', '/a/c', '/a/b/c', '/_h', '/a/_h', '/b/_x/y', '/', '/a//b/', '/a/./c/../b'];
const VALUES = ['', 'x', 'y'];

/** One step of a random history: a request, a read or a SYNC, after `dt` ms. */
type Step = { dt: number } & (
  | { kind: 'request'; req: Omit<V2Request, 'time'>; back: number | undefined }
  | { kind: 'get'; path: string; recursive: boolean; sorted: boolean }
  | { kind: 'sync' }
);

/** Mostly quick steps, sometimes long enough for TTLs to run out. */
const dt = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3500 }) });
const path = fc.constantFrom(...PATHS);
const val = fc.constantFrom(...VALUES);
/** The value a compare expects: '' means "not given". */
const prevValue = fc.constantFrom('', 'x', 'x', 'y', 'y');
const ttl = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 3) });
/** prevIndex as a distance back from the current index, so that some compares succeed. */
const back = fc.integer({ min: 0, max: 3 });

function request(req: fc.Arbitrary<Omit<V2Request, 'time'>>, withIndex = false): fc.Arbitrary<Step> {
  return fc.record({ kind: fc.constant('request' as const), dt, req, back: withIndex ? back : fc.constant(undefined) });
}

const PUT = fc.constant('PUT' as const);
const DELETE = fc.constant('DELETE' as const);

/** Each shape of request etcd's apply tells apart, with the options it takes. */
const step: fc.Arbitrary<Step> = fc.oneof(
  request(fc.record({ method: PUT, path, val, ttl })),
  request(fc.record({ method: PUT, path, dir: fc.constant(true), ttl })),
  request(fc.record({ method: PUT, path, val, ttl, refresh: fc.constant(true) })),
  request(fc.record({ method: PUT, path, val, ttl, prevExist: fc.constant(false), dir: fc.boolean() })),
  request(fc.record({ method: PUT, path, val, ttl, prevExist: fc.constant(true), refresh: fc.boolean() })),
  request(fc.record({ method: PUT, path, val, ttl, prevValue, prevExist: fc.option(fc.constant(true), { nil: undefined }), refresh: fc.boolean() })),
  request(fc.record({ method: PUT, path, val, ttl, prevValue, refresh: fc.boolean() }), true),
  request(fc.record({ method: PUT, path, val, ttl, prevExist: fc.constant(true) }), true),
  request(fc.record({ method: fc.constant('POST' as const), path, val, ttl, dir: fc.boolean() })),
  request(fc.record({ method: DELETE, path, dir: fc.boolean(), recursive: fc.boolean() })),
  request(fc.record({ method: DELETE, path, prevValue })),
  request(fc.record({ method: DELETE, path, prevValue }), true),
  fc.record({ kind: fc.constant('get' as const), dt, path, recursive: fc.boolean(), sorted: fc.boolean() }),
  fc.record({ kind: fc.constant('sync' as const), dt }),
);

/** An answer as comparable text: the event JSON (field order included) or the error. */
function outcome(run: () => StoreEvent | StoreEvent[]): string {
  try {
    return JSON.stringify(run());
  } catch (err) {
    if (err instanceof EtcdError || err instanceof ModelError) return `error ${err.errorCode} ${err.cause} ${err.index}`;
    throw err;
  }
}

/** Runs the steps on a store and the model side by side, comparing every answer; returns the final time. */
function runBoth(steps: Step[], store: Store, model: Model, startTime = START): number {
  let time = startTime;
  for (const s of steps) {
    time += s.dt;
    const now = time;
    if (s.kind === 'sync') {
      expect(outcome(() => store.expireKeys(now))).toBe(outcome(() => model.expireKeys(now)));
    } else if (s.kind === 'get') {
      const opts = { recursive: s.recursive, sorted: s.sorted };
      expect(outcome(() => store.get(s.path, opts, now))).toBe(outcome(() => model.get(cleanKey(s.path), s.recursive, s.sorted, now)));
    } else {
      const req: V2Request = { ...s.req, time: now };
      if (s.back !== undefined) req.prevIndex = Math.max(1, store.index - s.back);
      expect(outcome(() => store.apply(req)), JSON.stringify(req)).toBe(outcome(() => model.apply(req)));
    }
    expect(store.index).toBe(model.index);
  }
  return time;
}

/** Every node (hidden ones too) as the store holds it, read back through gets. */
function dumpStore(store: Store, model: Model, now: number): string[] {
  return [...model.entries.keys()].sort().map((k) => {
    const { node } = store.get(k, {}, now);
    const expireTime = node.expiration === undefined ? 0 : Date.parse(node.expiration);
    return `${k} ${node.dir ? 'dir' : JSON.stringify(node.value)} c${node.createdIndex} m${node.modifiedIndex} x${expireTime}`;
  });
}

describe('the store against the reference model', () => {
  it('gives the same event or error for every random operation, and ends in the same state', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => {
        const store = new Store();
        const model = new Model();
        const end = runBoth(steps, store, model);
        expect(store.stats()).toEqual({ ...model.stats, watchers: 0 });
        expect(JSON.stringify(store.get('/', { recursive: true, sorted: true }, end))).toBe(JSON.stringify(model.get('/', true, true, end)));
        expect(dumpStore(store, model, end)).toEqual(model.dump());
        expect(store.nextExpiration()).toBe(
          [...model.entries.values()].map((e) => e.expireTime).filter((t) => t !== 0).sort((a, b) => a - b)[0],
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('determinism', () => {
  it('two stores fed the same operations save byte-identical snapshots', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60, size: 'max' }), (steps) => {
        const a = new Store({ historySize: 8 });
        const b = new Store({ historySize: 8 });
        runBoth(steps, a, new Model());
        runBoth(steps, b, new Model());
        expect(Buffer.from(a.save()).equals(Buffer.from(b.save()))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('a restored store saves the same bytes and then behaves exactly like the original', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50, size: 'max' }), fc.array(step, { maxLength: 30, size: 'max' }), (before, after) => {
        const original = new Store({ historySize: 8 });
        const model = new Model();
        const time = runBoth(before, original, model);
        const saved = original.save();
        const restored = Store.restore(saved, { historySize: 8 });
        expect(Buffer.from(restored.save()).equals(Buffer.from(saved))).toBe(true);
        const modelCopy = model.clone();
        runBoth(after, original, model, time);
        runBoth(after, restored, modelCopy, time);
        expect(Buffer.from(restored.save()).equals(Buffer.from(original.save()))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
