// The checks etcd makes of a configuration before starting, with the messages etcd 3.4.23 prints
// for the same arguments (recorded from the real binary).
import { describe, expect, it } from 'vitest';
import { SOLO, configOf, failure, firstLine, started } from './outcomes.js';

const verifying = (reason: string): string => `error verifying flags, ${reason}. See 'raftkv --help'.`;

describe('URLs', () => {
  it.each([
    ['notaurl', 'URL scheme must be http, https, unix, or unixs: notaurl'],
    ['ftp://127.0.0.1:2380', 'URL scheme must be http, https, unix, or unixs: ftp://127.0.0.1:2380'],
    ['127.0.0.1:2380', 'parse "127.0.0.1:2380": first path segment in URL cannot contain colon'],
    ['localhost:2380', 'URL scheme must be http, https, unix, or unixs: localhost:2380'],
    [':2380', 'parse ":2380": missing protocol scheme'],
    ['http://127.0.0.1', 'URL address does not have the form "host:port": http://127.0.0.1'],
    ['http://127.0.0.1:2380/path', 'URL must not contain a path: http://127.0.0.1:2380/path'],
    ['http://127.0.0.1:2380/', 'URL must not contain a path: http://127.0.0.1:2380/'],
    ['http://127.0.0.1:abc', 'parse "http://127.0.0.1:abc": invalid port ":abc" after host'],
  ])('rejects %s as etcd does, with exit code 2', (url, reason) => {
    const error = failure(['--listen-peer-urls', url]);
    expect(error.exitCode).toBe(2);
    expect(error.message.split('\n')[0]).toBe(`invalid value ${JSON.stringify(url)} for flag -listen-peer-urls: ${reason}`);
  });

  it('accepts a list with spaces around the commas, an upper-case scheme and IPv6, keeping them sorted as Go prints them', () => {
    const config = configOf([...SOLO, '--listen-peer-urls', 'http://127.0.0.1:41390 , HTTP://127.0.0.1:41380,http://[::1]:41380']);
    expect(config.listenPeerUrls).toEqual(['http://127.0.0.1:41380', 'http://127.0.0.1:41390', 'http://[::1]:41380']);
  });

  it('leaves a URL list as it was when given an empty value', () => {
    expect(configOf([...SOLO, '--listen-peer-urls=']).listenPeerUrls).toEqual(['http://127.0.0.1:41380']);
  });

  it('listens only on IP addresses or localhost', () => {
    expect(firstLine(['--listen-peer-urls', 'http://example.com:41380'])).toBe(verifying('expected IP in URL for binding (http://example.com:41380)'));
    expect(configOf(['--listen-peer-urls', 'http://localhost:41380']).listenPeerUrls).toEqual(['http://localhost:41380']);
  });

  it('advertises URLs with a host', () => {
    expect(firstLine(['--initial-advertise-peer-urls', 'http://:41380'])).toBe(
      verifying('--initial-advertise-peer-urls "http://:41380" must be "host:port" (unexpected empty host (http://:41380))'),
    );
  });

  it('advertises host names, which only listening URLs may not use', () => {
    const config = configOf([...SOLO, '--advertise-client-urls', 'http://db1.example.com:2379']);
    expect(config.advertiseClientUrls).toEqual(['http://db1.example.com:2379']);
  });

  it('requires --advertise-client-urls once --listen-client-urls is given, and explains why', () => {
    const error = failure(['--listen-client-urls', 'http://127.0.0.1:41379']);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      `${verifying('--advertise-client-urls is required when --listen-client-urls is set explicitly')}\n` +
        'When listening on specific address(es), this raftkv process must advertise accessible url(s) to each connected client.',
    );
  });

  it('reads CORS origins as * or a list of URLs', () => {
    expect(configOf(['--cors', '*']).cors).toEqual(['*']);
    expect(configOf(['--cors', 'http://b.example:80,http://a.example:8080']).cors).toEqual(['http://a.example:8080', 'http://b.example:80']);
    expect(firstLine(['--cors', 'http://example.com'])).toBe(
      'invalid value "http://example.com" for flag -cors: URL address does not have the form "host:port": http://example.com',
    );
  });
});

describe('timeouts', () => {
  it.each([
    [['--heartbeat-interval', '0'], '--heartbeat-interval must be >0 (set to 0ms)'],
    [['--election-timeout', '0'], '--election-timeout must be >0 (set to 0ms)'],
    [['--heartbeat-interval', '300'], '--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]'],
    [['--election-timeout', '60000'], '--election-timeout[60000ms] is too long, and should be set less than 50000ms'],
  ])('%j is refused with exit code 1', (argv, reason) => {
    const error = failure(argv);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(verifying(reason));
  });

  it('reads numbers as Go does: hex, leading-zero octal and underscores', () => {
    const config = configOf(['--heartbeat-interval', '0x10', '--election-timeout', '0200', '--snapshot-count', '1_000']);
    expect(config).toMatchObject({ heartbeatIntervalMs: 16, electionTimeoutMs: 128, snapshotCount: 1000 });
  });

  it('turns a snapshot count of 0 into the default, as etcd does', () => {
    const { config, notices } = started(['--snapshot-count', '0']);
    expect(config.snapshotCount).toBe(100_000);
    expect(notices).toContain('set snapshot count to default 100000');
  });

  it('rejects a number beyond 64 bits as out of range', () => {
    expect(firstLine(['--snapshot-count', '99999999999999999999999'])).toBe(
      'invalid value "99999999999999999999999" for flag -snapshot-count: value out of range',
    );
  });
});
