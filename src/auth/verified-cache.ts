// Which (user, stored hash, password) triples were verified lately, so that a client sending the
// same Basic credentials on every request pays for scrypt once, not per request. Entries are
// HMAC-SHA256 digests under a key drawn at process start: the cache holds no password and nothing
// an attacker could test guesses against offline. The stored hash is part of the input, so a
// passwd or a re-created user makes the old entries unreachable at once. At most MAX_ENTRIES
// entries (32-byte digests as hex, about 100 KiB in all) are kept, the least recently used
// evicted first. Only successes are cached: a wrong password costs a full scrypt every time.
import { createHmac, randomBytes } from 'node:crypto';

export const MAX_ENTRIES = 1024;

export class VerifiedCache {
  private readonly key = randomBytes(32);
  /** Insertion order is recency order: a hit is moved to the end. */
  private readonly entries = new Set<string>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  private digest(user: string, stored: string, password: Uint8Array): string {
    const h = createHmac('sha256', this.key);
    for (const part of [Buffer.from(user, 'utf8'), Buffer.from(stored, 'utf8')]) {
      h.update(String(part.length) + ':').update(part);
    }
    return h.update(password).digest('hex');
  }

  has(user: string, stored: string, password: Uint8Array): boolean {
    const d = this.digest(user, stored, password);
    if (!this.entries.delete(d)) return false;
    this.entries.add(d);
    return true;
  }

  add(user: string, stored: string, password: Uint8Array): void {
    const d = this.digest(user, stored, password);
    this.entries.delete(d);
    this.entries.add(d);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.values().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
