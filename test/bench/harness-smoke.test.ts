// Smoke tests of the benchmark harness (not benchmarks): seconds-long runs against raftkv must
// print table rows and record a JSON file. No speed is asserted; the failover run asserts only
// that each of its cases took a leader down, saw writes resume and read back every
// acknowledged write exactly once.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const RUN = resolve(import.meta.dirname, '../../dist/bench/run.js');
let resultsDir = '';

afterEach(() => rmSync(resultsDir, { recursive: true, force: true }));

/** Runs the bench with `args` into a fresh results directory; its stdout and the one JSON record written. */
async function bench(args: string[], timeoutMs: number): Promise<{ stdout: string; record: any }> {
  resultsDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const { stdout } = await promisify(execFile)(process.execPath, [RUN, ...args, '--results-dir', resultsDir], { timeout: timeoutMs });
  const files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return { stdout, record: JSON.parse(readFileSync(join(resultsDir, files[0]!), 'utf8')) };
}

it('runs one workload against raftkv and records its figures', async () => {
  const { stdout, record } = await bench(['--target', 'raftkv', '--only', 'writes', '--seconds', '1', '--warmup', '0', '--concurrency', '1'], 60_000);

  const row = stdout.split('\n').find((line) => line.startsWith('| writes | leader c=1 |'));
  expect(row, stdout).toBeDefined();
  const opsPerSec = Number(row!.split('|')[3]!.trim().replace(/,/g, ''));
  expect(opsPerSec).toBeGreaterThan(0);

  expect(record.machine.versions.raftkv).toBeTruthy();
  expect(record.rows.length).toBeGreaterThan(0);
  for (const r of record.rows) expect(r.opsPerSec).toBeGreaterThan(0);
}, 90_000);

// A write a fault strands can take etcd's request timeout (7 s) to be answered, and the harness
// waits for it before the next step: tens of seconds on a busy machine.
it('runs the failover workload with one kill -9 and one SIGTERM of the leader', async () => {
  const { stdout, record } = await bench(['--target', 'raftkv', '--only', 'failover', '--failovers', '1', '--seconds', '0.5', '--warmup', '0'], 240_000);

  expect(record.rows.map((r: any) => r.case)).toEqual(['c=64, kill -9 leader', 'c=64, SIGTERM leader (hand-over)']);
  for (const r of record.rows) {
    expect(stdout).toContain(`| failover | ${r.case} |`);
    expect(r.events).toHaveLength(1);
    expect(r.notes.faults).toBe(1);
    expect(r.notes['gap ms max']).toBeGreaterThanOrEqual(0);
    expect(r.notes['in flight at a fault']).toBeGreaterThan(0);
    expect(r.notes['acknowledged writes lost']).toBe(0);
    expect(r.notes.duplicates).toBe(0);
  }
}, 300_000);

it('measures CPU per operation at a fixed rate, for every case, against raftkv', async () => {
  const { stdout, record } = await bench(['--target', 'raftkv', '--only', 'cpu', '--seconds', '1', '--warmup', '0.5', '--pairs', '1', '--rate', '200'], 120_000);

  expect(record.rows.map((r: any) => r.case)).toEqual([
    'writes spread at 200/s', 'default reads spread at 200/s', 'quorum reads spread at 200/s', 'watch notifications, 100 watchers at 200/s',
  ]);
  for (const r of record.rows) {
    expect(r.cpu.offeredPerSec).toBe(200);
    expect(r.cpu.microsPerOp).toBeGreaterThan(0);
    expect(r.opsPerSec).toBeGreaterThan(0);
    expect(stdout).toContain(`| ${r.case} | 200 |`);
  }
}, 150_000);
