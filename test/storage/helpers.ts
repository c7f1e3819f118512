// Shared scaffolding for the storage tests: throwaway data dirs, logs closed after each test,
// and small builders for entries and snapshots.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Level } from 'level';
import type { Entry, Snapshot } from '../../raft/types.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import type { DurableLogOptions } from '../../src/storage/durable-log.js';

/** Registers cleanup for the calling test file; returns helpers bound to it. */
export function storageFixture() {
  const dirs: string[] = [];
  const logs: DurableLog[] = [];
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    async dataDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'raftkv-storage-'));
      dirs.push(dir);
      return dir;
    },
    async open(dir: string, opts?: DurableLogOptions): Promise<DurableLog> {
      const log = await DurableLog.open(dir, opts);
      logs.push(log);
      return log;
    },
  };
}

export function entry(index: number, term: number, text = `e${index}t${term}`): Entry {
  return { index, term, type: 0, data: Buffer.from(text) };
}

export function entries(from: number, through: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= through; i++) out.push(entry(i, term));
  return out;
}

export function snapshot(index: number, term: number, data: Uint8Array = Buffer.from(`state@${index}`)): Snapshot {
  return { metadata: { index, term, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data };
}

export const snapDirOf = (dataDir: string): string => join(dataDir, 'member', 'snap');

/** The log's LevelDB opened directly, for tampering with stored records (the log must be closed). */
export async function openRawDb(dataDir: string): Promise<Level<string, Buffer>> {
  const db = new Level<string, Buffer>(join(dataDir, 'member', 'log'), { valueEncoding: 'buffer' });
  await db.open();
  return db;
}

/** Entries as plain comparable values (decoded data comes back as Buffer views). */
export function plain(list: Entry[]): Array<{ index: number; term: number; type: number; data: string }> {
  return list.map((e) => ({ index: e.index, term: e.term, type: e.type, data: Buffer.from(e.data).toString() }));
}
