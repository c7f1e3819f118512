// Go's flag package syntax, which etcd's command line inherits. Expected messages and exit codes
// were taken from etcd 3.4.23 given the same arguments.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bin/flags.js';
import { configOf, failure, firstLine } from './outcomes.js';

describe('flag forms', () => {
  it.each([
    [['--name', 'infra1']],
    [['--name=infra1']],
    [['-name', 'infra1']],
    [['-name=infra1']],
  ])('%j sets the name', (argv) => {
    expect(configOf([...argv, '--initial-cluster', 'infra1=http://localhost:2380']).name).toBe('infra1');
  });

  it('takes the argument after a non-bool flag as its value even when it starts with a dash', () => {
    const config = configOf(['--initial-cluster-token', '-odd-token']);
    expect(config.initialClusterToken).toBe('-odd-token');
  });

  it('accepts an empty value written with =', () => {
    expect(configOf(['--initial-cluster-token=']).initialClusterToken).toBe('');
  });

  it('lets the last of a repeated flag win', () => {
    const config = configOf(['--snapshot-count', '10', '-snapshot-count=20', '--snapshot-count=30']);
    expect(config.snapshotCount).toBe(30);
  });

  it('lets a repeated URL list replace the earlier one rather than add to it', () => {
    const config = configOf(['--listen-peer-urls', 'http://127.0.0.1:1', '--listen-peer-urls', 'http://127.0.0.1:2']);
    expect(config.listenPeerUrls).toEqual(['http://127.0.0.1:2']);
  });
});

describe('bool flags', () => {
  it.each([
    [['--pre-vote'], 'preVote', true],
    [['-pre-vote'], 'preVote', true],
    [['--pre-vote=true'], 'preVote', true],
    [['--pre-vote=1'], 'preVote', true],
    [['--pre-vote=T'], 'preVote', true],
    [['--pre-vote=false'], 'preVote', false],
    [['-pre-vote=0'], 'preVote', false],
    [['--strict-reconfig-check=false'], 'strictReconfigCheck', false],
    [['-strict-reconfig-check=0'], 'strictReconfigCheck', false],
    [['--strict-reconfig-check=F'], 'strictReconfigCheck', false],
  ] as const)('%j sets %s to %s', (argv, field, expected) => {
    expect(configOf([...argv])[field]).toBe(expected);
  });

  it('does not take the next argument as its value, so `--pre-vote false` leaves a positional argument', () => {
    const error = failure(['--pre-vote', 'false']);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("error verifying flags, 'false' is not a valid flag. See 'raftkv --help'.");
  });

  it('rejects a value Go cannot read as a bool, with exit code 2', () => {
    const error = failure(['--enable-v2=maybe']);
    expect(error.exitCode).toBe(2);
    expect(error.message.split('\n')[0]).toBe('invalid boolean value "maybe" for -enable-v2: parse error');
  });
});

describe('the end of the flags', () => {
  it('treats everything after -- as positional, which etcd refuses', () => {
    expect(failure(['--', '--name', 'x']).message).toBe("error verifying flags, '--name' is not a valid flag. See 'raftkv --help'.");
  });

  it('accepts -- with nothing after it', () => {
    expect(configOf(['--name=default', '--']).name).toBe('default');
  });

  it('refuses a positional argument with exit code 1, as `etcd foo` does', () => {
    const error = failure(['foo']);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("error verifying flags, 'foo' is not a valid flag. See 'raftkv --help'.");
  });

  it('stops at a lone dash, which is positional', () => {
    expect(firstLine(['-'])).toBe("error verifying flags, '-' is not a valid flag. See 'raftkv --help'.");
  });
});

describe('syntax errors exit 2 and print the usage', () => {
  it.each([
    [['--bogus'], 'flag provided but not defined: -bogus'],
    [['-bogus=1'], 'flag provided but not defined: -bogus'],
    [['---name', 'x'], 'bad flag syntax: ---name'],
    [['-=x'], 'bad flag syntax: -=x'],
    [['--name'], 'flag needs an argument: -name'],
    [['--heartbeat-interval', 'abc'], 'invalid value "abc" for flag -heartbeat-interval: parse error'],
    [['--snapshot-count='], 'invalid value "" for flag -snapshot-count: parse error'],
    [['--initial-cluster-state', 'weird'], 'invalid value "weird" for flag -initial-cluster-state: invalid value'],
  ])('%j', (argv, message) => {
    const error = failure(argv);
    expect(error.exitCode).toBe(2);
    expect(error.message.split('\n')[0]).toBe(message);
    expect(error.message).toContain('Usage:');
  });

  it('reports the first error in argument order, before any flag after it is looked at', () => {
    expect(firstLine(['--heartbeat-interval=x', '--bogus'])).toBe('invalid value "x" for flag -heartbeat-interval: parse error');
    expect(firstLine(['--version', '--bogus'])).toBe('flag provided but not defined: -bogus');
  });
});

describe('help and version', () => {
  it.each([['-h'], ['--help'], ['-help'], ['--help=false'], ['--name', 'x', '-h', '--bogus']])('%j prints the help', (...argv) => {
    const outcome = parseArgs(argv, {});
    expect(outcome.kind).toBe('help');
    if (outcome.kind === 'help') expect(outcome.text).toContain("--initial-cluster-token 'etcd-cluster'");
  });

  it('prints the version with the etcd server version raftkv speaks for', () => {
    const outcome = parseArgs(['--version'], {});
    expect(outcome.kind).toBe('version');
    if (outcome.kind === 'version') {
      expect(outcome.text).toMatch(/^raftkv Version: \d+\.\d+\.\d+\n/);
      expect(outcome.text).toContain('etcd Version: 3.4.23\n');
    }
  });

  it('prints the version even when the rest of the configuration is invalid, as etcd does', () => {
    expect(parseArgs(['--version', '--heartbeat-interval=0'], {}).kind).toBe('version');
  });

  it('does not print the version when it only comes from ETCD_VERSION', () => {
    expect(parseArgs([], { ETCD_VERSION: 'true' }).kind).toBe('start');
  });
});
