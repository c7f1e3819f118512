// --logger, --log-outputs, --log-output, --log-level and --debug: what etcd 3.4.23 accepts and where
// its lines go, and its refusals in its words and exit codes (recorded from the real binary with
// the same flags; etcd's own stderr warnings are raftkv's notices).
import { describe, expect, it } from 'vitest';
import { configOf, failure, started } from './outcomes.js';

const verifying = (reason: string): string => `error verifying flags, ${reason}. See 'raftkv --help'.`;

describe('where log lines go', () => {
  it.each([
    [[], ['stderr']],
    [['--log-outputs=stdout'], ['stdout']],
    [['--log-outputs=stderr'], ['stderr']],
    [['--logger=zap'], ['stderr']],
    [['--logger=zap', '--log-outputs=default'], ['stderr']],
    [['--logger=zap', '--log-outputs=stdout,stderr'], ['stderr', 'stdout']],
    [['--logger=zap', '--log-outputs=/var/log/raftkv.log,stdout,stdout'], ['/var/log/raftkv.log', 'stdout']],
    [['--logger=zap', '--log-outputs=file:///var/log/raft%20kv.log'], ['/var/log/raft kv.log']],
    [['--logger=zap', '--log-outputs=file://localhost/var/log/raftkv.log'], ['/var/log/raftkv.log']],
    [['--logger=zap', '--log-outputs=/dev/null,stdout'], ['/dev/null']],
    [['--log-output=stdout,stderr', '--logger=zap'], ['stderr', 'stdout']],
  ])('%j: %j', (argv, outputs) => {
    expect(configOf(argv).logOutputs).toEqual(outputs);
  });

  it('reads ETCD_LOGGER and ETCD_LOG_OUTPUTS as the flags', () => {
    expect(configOf([], { ETCD_LOGGER: 'zap', ETCD_LOG_OUTPUTS: 'stdout,stderr' }).logOutputs).toEqual(['stderr', 'stdout']);
  });
});

describe("etcd's refusals", () => {
  it.each([
    [['--logger=bogus'], 'unknown logger option "bogus"'],
    [['--log-outputs=stdout,stderr'], `--logger=capnslog supports only 1 value in '--log-outputs', got ["stderr" "stdout"]`],
    [['--log-outputs=/var/log/raftkv.log'], 'unknown log-output "/var/log/raftkv.log" (only supports "default", "stderr", "stdout")'],
    [['--log-outputs='], 'unknown log-output "" (only supports "default", "stderr", "stdout")'],
    [['--log-outputs=systemd/journal'], 'unknown log-output "systemd/journal" (only supports "default", "stderr", "stdout")'],
    [['--logger=zap', '--log-outputs=default,stderr'], 'multi logoutput for "default" is not supported yet'],
    [['--logger=zap', '--log-outputs=http://x/y'], 'open sink "http://x/y": no sink found for scheme "http"'],
    [['--logger=zap', '--log-outputs=file://host/tmp/x'], 'open sink "file://host/tmp/x": file URLs must leave host empty or use localhost: got file://host/tmp/x'],
    [['--log-output=stdout', '--log-outputs=stdout'], `'--log-output=["stdout"]' and '--log-outputs=["stdout"]' are incompatible; only set --log-outputs`],
    [['--log-output=a,b', '--log-outputs=c,d'], "both '--log-output' and '--log-outputs' are set; only set '--log-outputs'"],
  ])('%j', (argv, reason) => {
    const error = failure(argv);
    expect(error.message).toBe(verifying(reason));
    expect(error.exitCode).toBe(1);
  });

  it('refuses what raftkv cannot write to, or would read as another file than zap does', () => {
    expect(failure(['--logger=zap', '--log-outputs=systemd/journal']).message).toBe(
      verifying('--log-outputs=systemd/journal: raftkv cannot write to the systemd journal; use stderr, which systemd sends to the journal'),
    );
    expect(failure(['--logger=zap', '--log-outputs=/tmp/a?b']).message).toContain(`open sink "/tmp/a?b": raftkv does not read '?', '#' or '%'`);
  });
});

describe('levels', () => {
  it.each([
    [['--log-level=warn'], 'warn'],
    [['--log-level=panic'], 'fatal'],
    [['--log-level=dpanic', '--logger=zap'], 'fatal'],
    [['--log-level=warn', '--debug'], 'debug'],
    // zap reads only --log-level: etcd 3.4 with --logger=zap --debug logs no debug lines.
    [['--log-level=warn', '--debug', '--logger=zap'], 'warn'],
    // capnslog's --debug sets the level without reading --log-level at all.
    [['--log-level=loud', '--debug'], 'debug'],
  ])('%j: %s', (argv, level) => {
    expect(configOf(argv).logLevel).toBe(level);
  });

  it('refuses an unknown level with exit code 2, where etcd panics', () => {
    for (const argv of [['--log-level=loud'], ['--log-level=loud', '--debug', '--logger=zap']]) {
      const error = failure(argv);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^unknown level "loud" \(--log-level supports only debug, info, warn, error, panic or fatal/);
    }
  });
});

describe('notices for what etcd warns about', () => {
  it.each([
    [['--log-output=stdout'], '--log-output=stdout is ignored, as etcd 3.4 ignores a deprecated --log-output holding as many values as --log-outputs: use --log-outputs'],
    [['--log-output=stdout,stderr', '--logger=zap'], "'--log-output' flag has been deprecated! Please use '--log-outputs'!"],
    [['--logger=capnslog'], "--logger=capnslog: raftkv writes JSON lines shaped as zap's, not capnslog's text; capnslog's rules for --log-outputs apply"],
    [['--debug'], "--debug is deprecated: use '--log-level=debug' instead"],
    [['--debug', '--logger=zap'], '--debug=true does not change the level with --logger=zap, as in etcd 3.4: use --log-level=debug (the level is info)'],
  ])('%j', (argv, notice) => {
    expect(started(argv).notices).toContain(notice);
  });

  it('says nothing when the logging flags are left alone', () => {
    expect(started([]).notices).toEqual([]);
  });
});
