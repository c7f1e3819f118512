// Password hashing for v2 auth users. etcd uses bcrypt (cost 10); raftkv uses node's scrypt with
// N = 2^14, r = 8, p = 1, a 16-byte random salt and a 32-byte key (about 16 MiB and some tens
// of milliseconds per hash). A hash is made by the member that received the request, before it
// proposes the change: the replicated state machine only ever sees the hash.
// Stored form: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>`, so the parameters can change
// later without making older hashes unreadable.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

const PARAMS = { N: 1 << 14, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Room for N = 2^14 (128·N·r bytes) with what node adds; node's default limit is 32 MiB. */
const MAX_MEMORY = 64 << 20;

function derive(password: Uint8Array, salt: Buffer, keyLength: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...opts, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(Buffer.from(password, 'utf8'), salt, KEY_BYTES, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` (the bytes a client sent) is the one `stored` was made from; false for anything unreadable. */
export async function verifyPassword(stored: string, password: Uint8Array): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  const key = await derive(password, salt, expected.length, { N, r, p }).catch(() => undefined);
  return key !== undefined && timingSafeEqual(key, expected);
}
