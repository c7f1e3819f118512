import { randomBytes } from 'node:crypto';
import { readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptLogError } from '../../src/storage/durable-log.js';
import { entries, plain, snapDirOf, snapshot, storageFixture } from './helpers.js';

const fx = storageFixture();

/** A log with entries 1..40 of term 2 and snapshots at the given indexes. */
async function logWithSnapshots(dir: string, indexes: number[]) {
  const log = await fx.open(dir);
  await log.save({ entries: entries(1, 40, 2), hardState: { term: 2, vote: 'a', commit: 40 } }, true);
  for (const i of indexes) await log.saveSnapshot(snapshot(i, 2));
  return log;
}

async function flipByte(path: string, fromEnd: number): Promise<void> {
  const buf = await readFile(path);
  buf[buf.length - fromEnd] ^= 0xff;
  await writeFile(path, buf);
}

describe('snapshot files', () => {
  it('a snapshot is saved as <term>-<index>.snap with 16-hex-digit fields and loads back byte for byte', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ entries: entries(1, 300, 0x1a) }, true);
    const data = randomBytes(6 * 1024 * 1024);
    await log.saveSnapshot(snapshot(0x12c, 0x1a, data));
    expect(await readdir(snapDirOf(dir))).toEqual(['000000000000001a-000000000000012c.snap']);
    await log.close();

    const state = await (await fx.open(dir)).load();
    expect(state.snapshot!.metadata).toEqual(snapshot(300, 26).metadata);
    expect(Buffer.from(state.snapshot!.data).equals(data)).toBe(true);
    expect(state.entries).toEqual([]);
  });

  it('only the newest five snapshot files are kept', async () => {
    const dir = await fx.dataDir();
    const log = await logWithSnapshots(dir, [5, 10, 15, 20, 25, 30, 35]);
    expect((await readdir(snapDirOf(dir))).sort()).toEqual([15, 20, 25, 30, 35].map((i) => `0000000000000002-${i.toString(16).padStart(16, '0')}.snap`));
    expect((await log.load()).snapshot!.metadata.index).toBe(35);
  });

  it('a temp file left by a crash mid-write is removed on open and does not affect load', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10])).close();
    const leftover = join(snapDirOf(dir), '0000000000000002-0000000000000014.snap.tmp');
    await writeFile(leftover, Buffer.from('half a snapshot'));

    const state = await (await fx.open(dir)).load();
    expect(state.snapshot!.metadata.index).toBe(10);
    expect(await readdir(snapDirOf(dir))).toEqual(['0000000000000002-000000000000000a.snap']);
  });

  it('a snapshot file without a record (a crash before the record was written) is not loaded', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10])).close();
    await writeFile(join(snapDirOf(dir), '0000000000000002-0000000000000014.snap'), Buffer.from('unrecorded'));

    const log = await fx.open(dir);
    expect((await log.load()).snapshot!.metadata.index).toBe(10);
    // The next snapshot prunes the orphan.
    await log.saveSnapshot(snapshot(30, 2));
    expect((await readdir(snapDirOf(dir))).sort()).toEqual(['0000000000000002-000000000000000a.snap', '0000000000000002-000000000000001e.snap']);
  });

  it('a corrupted newest snapshot falls back to an older one when the log still holds the entries after it', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10, 20])).close();
    await flipByte(join(snapDirOf(dir), '0000000000000002-0000000000000014.snap'), 3);
    const warnings: string[] = [];

    const state = await (await fx.open(dir, { logger: { warn: (_o, msg) => warnings.push(msg), info() {} } })).load();
    expect(state.snapshot!.metadata.index).toBe(10);
    expect(plain(state.entries)).toEqual(plain(entries(11, 40, 2)));
    expect(warnings).toContain('newest snapshot is unusable; using an older one the log still covers');
  });

  it('after falling back, the unusable snapshot is forgotten and its index can be snapshotted again', async () => {
    const dir = await fx.dataDir();
    await (await logWithSnapshots(dir, [10, 20])).close();
    await flipByte(join(snapDirOf(dir), '0000000000000002-0000000000000014.snap'), 3);
    const log = await fx.open(dir);
    expect((await log.load()).snapshot!.metadata.index).toBe(10);

    await log.saveSnapshot(snapshot(20, 2));
    await log.close();
    const warnings: string[] = [];
    const state = await (await fx.open(dir, { logger: { warn: (_o, msg) => warnings.push(msg), info() {} } })).load();
    expect(state.snapshot!.metadata.index).toBe(20);
    expect(Buffer.from(state.snapshot!.data).toString()).toBe('state@20');
    expect(warnings).toEqual([]);
  });

  it('a corrupted snapshot with no older one the log covers fails load, naming the file', async () => {
    const dir = await fx.dataDir();
    const log = await logWithSnapshots(dir, [10, 20]);
    await log.compact(15); // the entries after snapshot 10 are gone
    await log.close();
    await flipByte(join(snapDirOf(dir), '0000000000000002-0000000000000014.snap'), 1);

    const err = await (await fx.open(dir)).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptLogError);
    expect((err as CorruptLogError).what).toBe('checksum mismatch');
    expect((err as CorruptLogError).where).toMatch(/snapshot file .*0000000000000002-0000000000000014\.snap$/);
  });

  it('a recorded snapshot whose file is missing fails load', async () => {
    const dir = await fx.dataDir();
    const log = await fx.open(dir);
    await log.save({ snapshot: snapshot(10, 3), hardState: { term: 3, vote: '', commit: 10 }, entries: [] }, true);
    await log.close();
    await unlink(join(snapDirOf(dir), '0000000000000003-000000000000000a.snap'));

    await expect((await fx.open(dir)).load()).rejects.toMatchObject({ name: 'CorruptLogError', what: 'file is missing' });
  });

  it('a snapshot not newer than the saved one is refused', async () => {
    const log = await logWithSnapshots(await fx.dataDir(), [10]);
    await expect(log.saveSnapshot(snapshot(10, 2))).rejects.toThrow(/not newer/);
    await expect(log.saveSnapshot(snapshot(41, 2))).rejects.toThrow(/past the persisted log/);
  });
});
