// Snapshot files: <snap dir>/<term>-<index>.snap (16 hex digits each, as etcd names them).
// Written to a temp file, fsync'd, renamed and the directory fsync'd, so a crash leaves the old
// files plus at most a temp file, never a half-written .snap.
//
// Layout: "RKVSNAP1" | crc32 (4, BE) | metadata length (4, BE) | msgpack metadata | data.
// The crc covers everything after itself, so a damaged length, metadata or data is caught.
// The data is written from the caller's buffer and read back as a view of one file buffer:
// no extra copies of a many-MB snapshot.
import { open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Snapshot, SnapshotMetadata } from '../../raft/index.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { hex16 } from './log-keys.js';
import { packr } from './record-codec.js';

const MAGIC = Buffer.from('RKVSNAP1');
const CRC_AT = MAGIC.length;
const META_LENGTH_AT = CRC_AT + 4;
const HEADER_BYTES = META_LENGTH_AT + 4;
const SNAP_SUFFIX = '.snap';
const TEMP_SUFFIX = '.snap.tmp';

export function snapshotFileName(meta: Pick<SnapshotMetadata, 'term' | 'index'>): string {
  return `${hex16(meta.term)}-${hex16(meta.index)}${SNAP_SUFFIX}`;
}

/** Atomically writes `snap` into `dir`; returns the file's path once it is durable. */
export async function writeSnapshotFile(dir: string, snap: Snapshot): Promise<string> {
  const meta = packr.pack(snap.metadata);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeUInt32BE(meta.length, META_LENGTH_AT);
  header.writeUInt32BE(crc32(snap.data, crc32(meta, crc32(header.subarray(META_LENGTH_AT)))), CRC_AT);

  const path = join(dir, snapshotFileName(snap.metadata));
  const temp = path.slice(0, -SNAP_SUFFIX.length) + TEMP_SUFFIX;
  const file = await open(temp, 'w');
  try {
    await writeFile(file, [header, meta, snap.data]);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncDirectory(dir);
  return path;
}

/** Reads and verifies the file recorded by `meta`; throws CorruptLogError if it is missing or damaged. */
export async function readSnapshotFile(dir: string, meta: SnapshotMetadata): Promise<Snapshot> {
  const path = join(dir, snapshotFileName(meta));
  const where = `snapshot file ${path}`;
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CorruptLogError('file is missing', where);
    throw err;
  }
  if (buf.length < HEADER_BYTES || !buf.subarray(0, CRC_AT).equals(MAGIC)) throw new CorruptLogError('not a snapshot file', where);
  if (buf.readUInt32BE(CRC_AT) !== crc32(buf.subarray(META_LENGTH_AT))) throw new CorruptLogError('checksum mismatch', where);
  const dataAt = HEADER_BYTES + buf.readUInt32BE(META_LENGTH_AT);
  const metadata = packr.unpack(buf.subarray(HEADER_BYTES, dataAt)) as SnapshotMetadata;
  if (metadata.index !== meta.index || metadata.term !== meta.term) {
    throw new CorruptLogError(`holds snapshot ${metadata.term}/${metadata.index}, not its name's`, where);
  }
  return { metadata, data: buf.subarray(dataAt) };
}

/** Deletes temp files a crash left mid-write; returns their names. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(TEMP_SUFFIX));
  await Promise.all(names.map((n) => unlink(join(dir, n))));
  return names;
}

/** Deletes every snapshot file but those of `keep` (older ones, and any a crash left unrecorded). */
export async function removeSnapshotFilesExcept(dir: string, keep: SnapshotMetadata[]): Promise<string[]> {
  const kept = new Set(keep.map(snapshotFileName));
  const names = (await readdir(dir)).filter((n) => n.endsWith(SNAP_SUFFIX) && !kept.has(n));
  await Promise.all(names.map((n) => unlink(join(dir, n))));
  return names;
}

/** Makes a rename in `dir` durable: the new name lives in the directory's own blocks. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
