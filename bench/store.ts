// In-process benchmark of the v2 key space: sets/s, gets/s, watcher fan-out, heap per key.
// Build with tsc, then run: node --expose-gc dist/bench/store.js
import { Store } from '../src/store/store.js';

const T = Date.UTC(2026, 10, 22, 5, 20, 0);
const OPS = 200_000;
const KEYS_FOR_MEMORY = 1_000_000;
const WATCHERS = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc dist/bench/store.js');
  process.exit(1);
}

const scratch = Buffer.alloc(100);

/**
 * A flat string of `length` bytes ending in i's digits, decoded from bytes as a request's
 * strings are (padStart would build a rope that costs twice the memory of the string).
 */
function distinct(i: number, length: number, radix: number, fill: string): string {
  scratch.fill(fill);
  const digits = i.toString(radix);
  scratch.write(digits, length - digits.length, 'latin1');
  return scratch.toString('latin1', 0, length);
}

/** A 16-character key name, distinct per i. */
function keyName(i: number): string {
  return distinct(i, 16, 36, 'k');
}

/** A 100-byte value, distinct per i. */
function valueOf(i: number): string {
  return distinct(i, 100, 10, 'v');
}

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function perSecond(ops: number, ms: number): string {
  return `${Math.round((ops / ms) * 1000).toLocaleString('en-US')} ops/s`;
}

function setsAndGets(): [string, string][] {
  const store = new Store();
  const paths = Array.from({ length: OPS }, (_, i) => `/bench/${keyName(i)}`);
  const values = Array.from({ length: OPS }, (_, i) => valueOf(i));
  const setMs = timeMs(() => {
    for (let i = 0; i < OPS; i++) store.apply({ method: 'PUT', path: paths[i]!, val: values[i]!, time: T + i });
  });
  const order = Array.from({ length: OPS }, (_, i) => (i * 7919) % OPS);
  const getMs = timeMs(() => {
    for (const i of order) store.get(paths[i]!, {}, T);
  });
  const ttlMs = timeMs(() => {
    for (let i = 0; i < OPS; i++) store.apply({ method: 'PUT', path: paths[i]!, val: values[i]!, ttl: 60, time: T + i });
  });
  return [
    [`set (${OPS.toLocaleString('en-US')} keys)`, perSecond(OPS, setMs)],
    ['set with ttl (replacing)', perSecond(OPS, ttlMs)],
    ['get (random existing key)', perSecond(OPS, getMs)],
  ];
}

/** Median over a few rounds of: register the watchers, then time one write reaching all of them. */
function fanOut(label: string, watchPath: string, recursive: boolean, stream: boolean): [string, string] {
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const store = new Store();
    let delivered = 0;
    for (let i = 0; i < WATCHERS; i++) store.watch(watchPath, { recursive, stream }, () => delivered++);
    rounds.push(timeMs(() => store.apply({ method: 'PUT', path: '/fan/key', val: 'x', time: T })));
    if (delivered !== WATCHERS) throw new Error(`delivered ${delivered} of ${WATCHERS}`);
  }
  const median = rounds.sort((a, b) => a - b)[rounds.length >> 1]!;
  return [`fan-out: 1 write → ${WATCHERS.toLocaleString('en-US')} ${label}`, `${median.toFixed(2)} ms`];
}

function memoryPerKey(): [string, string][] {
  const before = heapAfterGc();
  const store = new Store();
  for (let i = 0; i < KEYS_FOR_MEMORY; i++) store.apply({ method: 'PUT', path: `/${keyName(i)}`, val: valueOf(i), time: T });
  const after = heapAfterGc();
  const perKey = (after - before) / KEYS_FOR_MEMORY;
  let snapshot: Uint8Array = new Uint8Array();
  const saveMs = timeMs(() => (snapshot = store.save()));
  let restored: Store | undefined;
  const restoreMs = timeMs(() => (restored = Store.restore(snapshot)));
  if (restored!.index !== KEYS_FOR_MEMORY) throw new Error('not every key was written and restored');
  return [
    [`heap per key (${KEYS_FOR_MEMORY.toLocaleString('en-US')} keys, 16 B name, 100 B value)`, `${Math.round(perKey)} B`],
    ['snapshot of those keys: save()', `${Math.round(saveMs)} ms`],
    ['snapshot of those keys: restore()', `${Math.round(restoreMs)} ms`],
    ['snapshot of those keys: bytes per key', `${Math.round(snapshot.length / KEYS_FOR_MEMORY)} B`],
  ];
}

const rows: [string, string][] = [
  ...setsAndGets(),
  fanOut('watchers on the key', '/fan/key', false, false),
  fanOut('stream watchers on the key', '/fan/key', false, true),
  fanOut('recursive watchers on /', '/', true, false),
  ...memoryPerKey(),
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`raftkv store benchmark (node ${process.version})`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value.padStart(16)}`);
