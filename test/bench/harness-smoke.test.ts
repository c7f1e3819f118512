// Smoke test of the benchmark harness (not a benchmark): a seconds-long run of one small
// workload against raftkv must print a table row with nonzero throughput and record a JSON file.
// No speed is asserted.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const RUN = resolve(import.meta.dirname, '../../dist/bench/run.js');
const resultsDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));

afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

it('runs one workload against raftkv and records its figures', async () => {
  const args = ['--target', 'raftkv', '--only', 'writes', '--seconds', '1', '--warmup', '0', '--concurrency', '1', '--results-dir', resultsDir];
  const { stdout } = await promisify(execFile)(process.execPath, [RUN, ...args], { timeout: 60_000 });

  const row = stdout.split('\n').find((line) => line.startsWith('| writes | leader c=1 |'));
  expect(row, stdout).toBeDefined();
  const opsPerSec = Number(row!.split('|')[3]!.trim().replace(/,/g, ''));
  expect(opsPerSec).toBeGreaterThan(0);

  const files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  const record = JSON.parse(readFileSync(join(resultsDir, files[0]!), 'utf8'));
  expect(record.machine.versions.raftkv).toBeTruthy();
  expect(record.rows.length).toBeGreaterThan(0);
  for (const r of record.rows) expect(r.opsPerSec).toBeGreaterThan(0);
}, 90_000);
