// raftkv migrate's flags: each side's credentials and TLS files, and refusals that name a flag
// but never echo its value (it may hold a password).
import { describe, expect, it } from 'vitest';
import { parseMigrateArgs } from '../../bin/migrate-args.js';

const BASE = ['--from', 'http://e:2379', '--to', 'http://r:2379'];

describe('raftkv migrate flags', () => {
  it("reads each side's user, password and TLS files", () => {
    const args = parseMigrateArgs([
      '--from', 'https://e:2379', '--from-user', 'reader', '--from-password', 'pw1', '--from-cacert', 'ca.pem',
      '--to=https://r:2379/', '--to-user=root:pw2', '--to-cert', 'c.pem', '--to-key', 'k.pem',
    ]);
    expect(args).toMatchObject({
      from: { name: 'etcd', urls: ['https://e:2379'], credentials: 'reader:pw1', tls: { cacert: 'ca.pem' } },
      to: { name: 'raftkv', urls: ['https://r:2379'], credentials: 'root:pw2', tls: { cert: 'c.pem', key: 'k.pem' } },
    });
  });

  it('refuses what cannot work, naming flags only', () => {
    expect(parseMigrateArgs([...BASE, '--from-user', 'reader'])).toMatch(/--from-user names no password/);
    expect(parseMigrateArgs([...BASE, '--to-cacert', 'ca.pem'])).toMatch(/need https URLs in --to/);
    expect(parseMigrateArgs(['--from', 'https://e:2379', '--to', 'http://r:2379', '--from-cert', 'c.pem'])).toMatch(/--from-cert and --from-key go together/);
    const typo = parseMigrateArgs([...BASE, '--from-usr=root:secret']);
    expect(typo).toBe('unknown or incomplete flag --from-usr');
  });

  it('takes a stopped member\'s data dir alone, with nothing that belongs to mirroring', () => {
    expect(parseMigrateArgs(['--from-data-dir', '/var/lib/etcd', '--to', 'http://r:2379', '--to-user', 'root:pw', '--force'])).toMatchObject({
      fromDataDir: '/var/lib/etcd', from: undefined, force: true, to: { urls: ['http://r:2379'], credentials: 'root:pw' },
    });
    expect(parseMigrateArgs(['--from-data-dir', '/d', '--to', 'http://r:2379', '--until-index', '9'])).toMatch(/without --from mirrors nothing: it takes no --until-index/);
    expect(parseMigrateArgs(['--from-data-dir', '/d', '--to', 'http://r:2379', '--from-user', 'u:p'])).toMatch(/it takes no --from-user \(give --from/);
    expect(parseMigrateArgs(['--from-data-dir', '/d'])).toBe('--to is required');
  });

  it('takes a stopped member\'s data dir with --from, its running peers, to mirror from its index', () => {
    const args = parseMigrateArgs(['--from-data-dir', '/var/lib/etcd', ...BASE, '--from-user', 'reader:pw', '--until-index', '42', '--progress-interval', '1']);
    expect(args).toMatchObject({ fromDataDir: '/var/lib/etcd', from: { urls: ['http://e:2379'], credentials: 'reader:pw' }, untilIndex: 42, progressMs: 1000 });
    expect(parseMigrateArgs(['--from-data-dir', '/d', ...BASE, '--until-index', 'x'])).toBe('--until-index x is not an index');
    expect(parseMigrateArgs(['--from-data-dir', '/d', '--from', '', '--to', 'http://r:2379'])).toBe('--from is required');
  });
});
