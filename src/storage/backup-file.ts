// The file `raftkv snapshot save` writes and `status` / `restore` read: one member's state machine
// at a raft index, with what is needed to trust it before anything is restored from it.
//
// Layout: "raftkv snapshot\n" (16) | format version (4, BE) | header length (4, BE)
//       | crc32 of the header (4, BE) | header JSON | body.
// The header names the raft index and term the body was taken at, the cluster and member it came
// from, and the body's length and sha256; the body is the state machine's snapshot data. A
// reader checks everything (magic, version, header crc, length, sha256) before using any of it.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const BACKUP_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('raftkv snapshot\n');
const VERSION_AT = MAGIC.length;
const HEADER_LENGTH_AT = VERSION_AT + 4;
const HEADER_CRC_AT = HEADER_LENGTH_AT + 4;
const FIXED_BYTES = HEADER_CRC_AT + 4;
/** A header is a few hundred bytes; a larger length is damage, not a header to allocate. */
const MAX_HEADER_BYTES = 64 << 10;

export interface BackupHeader {
  /** The raft index the body was serialized at (the member's applied index then). */
  index: number;
  term: number;
  clusterId: string;
  memberId: string;
}

export interface BackupFile {
  header: BackupHeader & { bodyBytes: number; bodySha256: string };
  body: Uint8Array;
}

/** Why a file cannot be used: corrupt, truncated, foreign or from a newer raftkv. */
export class BackupFileError extends Error {
  constructor(readonly path: string, what: string) {
    super(`${path}: ${what}`);
    this.name = 'BackupFileError';
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The file's bytes, as chunks to write or stream in order. */
export function encodeBackupFile(header: BackupHeader, body: Uint8Array): Buffer[] {
  const json = Buffer.from(JSON.stringify({ ...header, bodyBytes: body.length, bodySha256: sha256Hex(body) }));
  const fixed = Buffer.alloc(FIXED_BYTES);
  MAGIC.copy(fixed);
  fixed.writeUInt32BE(BACKUP_FORMAT_VERSION, VERSION_AT);
  fixed.writeUInt32BE(json.length, HEADER_LENGTH_AT);
  fixed.writeUInt32BE(crc32(json), HEADER_CRC_AT);
  return [fixed, json, Buffer.from(body.buffer, body.byteOffset, body.length)];
}

/** Checks and splits a whole file; throws BackupFileError saying what is wrong. `path` names it in messages. */
export function decodeBackupFile(buf: Buffer, path: string): BackupFile {
  const refuse = (what: string): never => {
    throw new BackupFileError(path, what);
  };
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    if (buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(buf)) refuse(`truncated: ${buf.length} bytes, not even a header`);
    refuse(isBoltDatabase(buf) ? 'an etcd v3 snapshot (a bolt database), not a raftkv snapshot' : 'not a raftkv snapshot file');
  }
  if (buf.length < FIXED_BYTES) refuse(`truncated: ${buf.length} bytes, not even a header`);
  const version = buf.readUInt32BE(VERSION_AT);
  if (version !== BACKUP_FORMAT_VERSION) refuse(`snapshot format version ${version}; this raftkv reads version ${BACKUP_FORMAT_VERSION}`);
  const headerBytes = buf.readUInt32BE(HEADER_LENGTH_AT);
  if (headerBytes > MAX_HEADER_BYTES) refuse(`corrupt header: a length of ${headerBytes} bytes`);
  const bodyAt = FIXED_BYTES + headerBytes;
  if (buf.length < bodyAt) refuse(`truncated: the header needs ${bodyAt} bytes, the file has ${buf.length}`);
  const json = buf.subarray(FIXED_BYTES, bodyAt);
  if (crc32(json) !== buf.readUInt32BE(HEADER_CRC_AT)) refuse('corrupt header: checksum mismatch');
  const header = parseHeader(json) ?? refuse('corrupt header: fields missing or malformed');
  const body = buf.subarray(bodyAt);
  if (body.length < header.bodyBytes) refuse(`truncated: the body has ${body.length} of its ${header.bodyBytes} bytes`);
  if (body.length > header.bodyBytes) refuse(`corrupt: ${body.length - header.bodyBytes} bytes past the end of the body`);
  const sha = sha256Hex(body);
  if (sha !== header.bodySha256) refuse(`corrupt body: sha256 is ${sha}, the header says ${header.bodySha256}`);
  return { header, body };
}

function parseHeader(json: Buffer): BackupFile['header'] | undefined {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const id = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
  const { index, term, clusterId, memberId, bodyBytes, bodySha256 } = h;
  if (!count(index) || !count(term) || !id(clusterId) || !id(memberId) || !count(bodyBytes)) return undefined;
  if (typeof bodySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(bodySha256)) return undefined;
  return { index, term, clusterId, memberId, bodyBytes, bodySha256 };
}

/** bolt's meta page: a 16-byte page header, then its magic 0xED0CDAED (little-endian on disk). */
function isBoltDatabase(buf: Buffer): boolean {
  return buf.length >= 20 && buf.readUInt32LE(16) === 0xed0cdaed;
}
