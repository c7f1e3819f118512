// scrypt hashes and the cache of verified credentials.
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/auth/password.js';
import { VerifiedCache } from '../../src/auth/verified-cache.js';

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('password hashes', () => {
  it('verifies the password a hash was made from, salted differently each time', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('s3cret');
    expect(await verifyPassword(a, utf8('s3cret'))).toBe(true);
    expect(await verifyPassword(b, utf8('s3cret'))).toBe(true);
    expect(await verifyPassword(a, utf8('s3cret '))).toBe(false);
    expect(await verifyPassword(a, utf8(''))).toBe(false);
  });

  it('refuses anything that is not a hash it can read', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$8$1$AAAA$', 'bcrypt$x$y$z$a$b', 'scrypt$3$8$1$AAAA$AAAA']) {
      expect(await verifyPassword(stored, utf8('x')), stored).toBe(false);
    }
  });
});

describe('VerifiedCache', () => {
  it('remembers verified triples, keyed by the stored hash too, within its bound', () => {
    const cache = new VerifiedCache(2);
    cache.add('u', 'h1', utf8('p'));
    expect(cache.has('u', 'h1', utf8('p'))).toBe(true);
    expect(cache.has('u', 'h2', utf8('p'))).toBe(false);
    expect(cache.has('u', 'h1', utf8('q'))).toBe(false);
    expect(cache.has('v', 'h1', utf8('p'))).toBe(false);
    cache.add('u', 'h2', utf8('p'));
    expect(cache.has('u', 'h1', utf8('p'))).toBe(true); // now the most recent
    cache.add('u', 'h3', utf8('p'));
    expect(cache.size).toBe(2);
    expect(cache.has('u', 'h2', utf8('p'))).toBe(false);
    expect(cache.has('u', 'h1', utf8('p'))).toBe(true);
  });

  it('does not confuse where one part ends and the next begins', () => {
    const cache = new VerifiedCache();
    cache.add('ab', 'c', utf8('p'));
    expect(cache.has('a', 'bc', utf8('p'))).toBe(false);
  });
});
