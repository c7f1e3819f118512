// The backup file format: what is written reads back the same, and every damaged, cut or
// foreign file is refused with a message that says which.
import { describe, expect, it } from 'vitest';
import { BackupFileError, decodeBackupFile, encodeBackupFile, sha256Hex } from '../../src/storage/backup-file.js';

const header = { index: 1234, term: 7, clusterId: '00000000cafef00d', memberId: '8e9e05c52164694d' };
const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 251));
const file = (): Buffer => Buffer.concat(encodeBackupFile(header, body));
const refusal = (buf: Buffer): string => {
  try {
    decodeBackupFile(buf, 'f.snap');
  } catch (err) {
    expect(err).toBeInstanceOf(BackupFileError);
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
};
const flipped = (buf: Buffer, at: number): Buffer => {
  const copy = Buffer.from(buf);
  copy[at]! ^= 0x40;
  return copy;
};

describe('backup file', () => {
  it('reads back what was written', () => {
    const read = decodeBackupFile(file(), 'f.snap');
    expect(read.header).toEqual({ ...header, bodyBytes: body.length, bodySha256: sha256Hex(body) });
    expect(Buffer.from(read.body).equals(body)).toBe(true);
  });

  it('refuses a file cut anywhere', () => {
    const whole = file();
    for (const cut of [0, 5, 16, 20, 27, 40, whole.length - body.length - 1, whole.length - 1]) {
      expect(refusal(whole.subarray(0, cut))).toMatch(/^f\.snap: truncated/);
    }
  });

  it('refuses a damaged header or body', () => {
    const whole = file();
    const bodyAt = whole.length - body.length;
    expect(refusal(flipped(whole, 30))).toBe('f.snap: corrupt header: checksum mismatch');
    expect(refusal(flipped(whole, bodyAt + 100))).toMatch(/^f\.snap: corrupt body: sha256 is [0-9a-f]{64}, the header says/);
    expect(refusal(Buffer.concat([whole, Buffer.from('x')]))).toBe('f.snap: corrupt: 1 bytes past the end of the body');
    const hugeHeader = Buffer.from(whole);
    hugeHeader.writeUInt32BE(0x7fffffff, 20);
    expect(refusal(hugeHeader)).toMatch(/corrupt header: a length of/);
  });

  it('refuses a file of another format or a newer version', () => {
    expect(refusal(Buffer.from('{"not":"a snapshot"}'))).toBe('f.snap: not a raftkv snapshot file');
    const bolt = Buffer.alloc(4096);
    bolt.writeUInt32LE(0xed0cdaed, 16);
    expect(refusal(bolt)).toBe('f.snap: an etcd v3 snapshot (a bolt database), not a raftkv snapshot');
    const newer = file();
    newer.writeUInt32BE(2, 16);
    expect(refusal(newer)).toBe('f.snap: snapshot format version 2; this raftkv reads version 1');
  });
});
