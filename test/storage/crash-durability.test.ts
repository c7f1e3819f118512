// Durability across processes: a child saves synced batches and is SIGKILLed mid-stream; every
// batch it acknowledged must load afterwards. The child runs the compiled module from dist/,
// so this checks that dist is not older than the sources (the test script runs tsc first).
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { storageFixture } from './helpers.js';

const fx = storageFixture();
const fixture = fileURLToPath(new URL('./fixtures/crash-saver.mjs', import.meta.url));
const sourceDir = fileURLToPath(new URL('../../src/storage/', import.meta.url));
const compiled = fileURLToPath(new URL('../../dist/src/storage/durable-log.js', import.meta.url));

async function assertDistIsFresh(): Promise<void> {
  const builtAt = (await stat(compiled).catch(() => undefined))?.mtimeMs;
  if (builtAt === undefined) throw new Error(`${compiled} is missing: run npx tsc -p tsconfig.json first`);
  for (const name of await readdir(sourceDir)) {
    if ((await stat(sourceDir + name)).mtimeMs > builtAt) throw new Error(`dist is older than src/storage/${name}: run npx tsc -p tsconfig.json first`);
  }
}

/** Runs the saver until it acknowledges batch `killAfter`, SIGKILLs it, and returns the last batch it acknowledged. */
function runAndKill(dataDir: string, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.includes(`ack ${killAfter}\n`)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errOut += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`saver exited on its own: ${errOut}`));
      const acks = out.trim().split('\n').map((line) => Number(line.split(' ')[1]));
      resolve(Math.max(...acks));
    });
  });
}

describe('durability across a SIGKILL', () => {
  it('every batch acknowledged before the kill is loaded afterwards, run after run', async () => {
    await assertDistIsFresh();
    const dir = await fx.dataDir();
    let acked = 0;
    for (const killAfter of [40, 90, 160]) {
      acked = await runAndKill(dir, killAfter);
      expect(acked).toBeGreaterThanOrEqual(killAfter);

      const log = await fx.open(dir);
      const state = await log.load();
      await log.close();
      // A batch may be on disk without its ack having been printed, never the other way round.
      expect(state.hardState.commit).toBeGreaterThanOrEqual(2 * acked);
      const lastIndex = state.entries.at(-1)?.index ?? state.snapshot!.metadata.index;
      expect(lastIndex).toBe(state.hardState.commit);
      const from = (state.snapshot?.metadata.index ?? 0) + 1;
      expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: lastIndex - from + 1 }, (_, i) => from + i));
      expect(state.entries.every((e) => Buffer.from(e.data).toString() === `entry ${e.index}`)).toBe(true);
    }
    // Three runs of the saver continued one log, snapshotting as they went.
    expect(acked).toBeGreaterThanOrEqual(160);
  }, 20_000);
});
