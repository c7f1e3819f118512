// Every stored value is [crc32 of key + payload, 4 bytes BE][msgpack payload]. Binding the
// checksum to the key catches a damaged value and also a value that ended up under another key
// (which is how a lost or misplaced entry would otherwise pass as a valid one).
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { CorruptLogError } from './corrupt-log-error.js';
import { describeKey } from './log-keys.js';

// Plain maps, no record extension: the bytes must decode in any later process.
export const packr = new Packr({ useRecords: false });

const CRC_BYTES = 4;

function checksum(key: string, payload: Uint8Array): number {
  return crc32(payload, crc32(key));
}

export function encodeRecord(key: string, value: unknown): Buffer {
  const payload = packr.pack(value);
  const record = Buffer.allocUnsafe(CRC_BYTES + payload.length);
  record.writeUInt32BE(checksum(key, payload), 0);
  payload.copy(record, CRC_BYTES);
  return record;
}

/** Decodes a record, throwing CorruptLogError if it is not exactly what was written under `key`. */
export function decodeRecord(key: string, record: Buffer): unknown {
  const payload = record.subarray(CRC_BYTES);
  if (record.length < CRC_BYTES || record.readUInt32BE(0) !== checksum(key, payload)) {
    const { where, index } = describeKey(key);
    throw new CorruptLogError('checksum mismatch', where, index);
  }
  return packr.unpack(payload);
}
