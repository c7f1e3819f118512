// The real etcdctl 3.4 (ETCDCTL_API=2) managing v2 auth on three real raftkv processes: users,
// roles, grants, enabling, and keys read and written as a user. Every expected output and exit
// code below is what the same command printed against a real `etcd --enable-v2` (3.4.23), run
// in the same order from a fresh data dir. Passwords are given on the command line
// (`user add name:password`, `--username user:password`) or, for passwd, on a pipe.
import { describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { Etcdctl } from './support/etcdctl.js';
import { waitForNoWatchers, waitForWatchers } from './support/cluster-state.js';

const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
const failed = (stderr: string) => ({ code: 1, stdout: '', stderr: `${stderr}\n` });
const refused = { code: 4, stdout: '', stderr: 'Error:  110: The request requires user authentication (Insufficient credentials) [0]\n' };
const ROOT = ['--username', 'root:pw'];
const ALICE = ['--username', 'alice:apw'];

describe('etcdctl (v2) auth commands against a three-member raftkv cluster', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  let ctl: Etcdctl;
  useCluster({ size: 3 }, (started) => {
    cluster = started;
    ctl = new Etcdctl(cluster.members.map((m) => m.clientUrl));
  }, { noCrashes: true });

  it('lists, adds and shows users and roles while auth is off', async () => {
    expect(await ctl.run('user', 'list')).toEqual(ok(''));
    expect(await ctl.run('role', 'list')).toEqual(ok('root\n'));
    expect(await ctl.run('auth', 'enable')).toEqual(failed('auth: No root user available, please create one'));
    expect(await ctl.run('user', 'add', 'root:pw')).toEqual(ok('User root created\n'));
    expect(await ctl.run('user', 'add', 'alice:apw')).toEqual(ok('User alice created\n'));
    expect(await ctl.run('user', 'add', 'alice:apw')).toEqual(ok('User alice created\n'));
    expect(await ctl.run('user', 'get', 'alice')).toEqual(ok('User: alice\nRoles: \n'));
    expect(await ctl.run('user', 'get', 'nobody')).toEqual(failed('auth: User nobody does not exist.'));
  });

  it('adds roles and grants and revokes their permissions', async () => {
    expect(await ctl.run('role', 'add', 'reader')).toEqual(ok('Role reader created\n'));
    expect(await ctl.run('role', 'add', 'reader')).toEqual(failed('Role reader already exists'));
    expect(await ctl.run('role', 'grant', 'reader', '--path', '/foo/*', '--read')).toEqual(ok('Role reader updated\n'));
    expect(await ctl.run('role', 'grant', 'reader', '--path', '/foo/*', '--read')).toEqual(failed('auth: Granting duplicate read permission /foo/*'));
    expect(await ctl.run('role', 'get', 'reader')).toEqual(ok('Role: reader\nKV Read:\n\t/foo/*\nKV Write:\n'));
    expect(await ctl.run('role', 'add', 'writer')).toEqual(ok('Role writer created\n'));
    expect(await ctl.run('role', 'grant', 'writer', '--path', '/foo/*', '--readwrite')).toEqual(ok('Role writer updated\n'));
    expect(await ctl.run('role', 'revoke', 'writer', '--path', '/foo/*', '--write')).toEqual(ok('Role writer updated\n'));
    expect(await ctl.run('role', 'get', 'writer')).toEqual(ok('Role: writer\nKV Read:\n\t/foo/*\nKV Write:\n'));
    expect(await ctl.run('role', 'grant', 'reader', '--path', '/x')).toEqual(failed('Please specify exactly one of --read, --write or --readwrite'));
    expect(await ctl.run('role', 'grant', 'reader', '--read')).toEqual(failed('No path specified; please use `--path`'));
  });

  it('grants roles to users', async () => {
    expect(await ctl.run('user', 'grant', 'alice', '--roles', 'reader')).toEqual(ok('User alice updated\n'));
    expect(await ctl.run('user', 'grant', 'alice', '--roles', 'reader')).toEqual(failed('auth: Granting duplicate role reader for user alice'));
    expect(await ctl.run('user', 'get', 'alice')).toEqual(ok('User: alice\nRoles:  reader\n'));
    expect(await ctl.run('user', 'list')).toEqual(ok('alice\nroot\n'));
    expect(await ctl.run('role', 'list')).toEqual(ok('reader\nroot\nwriter\n'));
  });

  it('enables auth; then the API needs root and anonymous access ends with the guest role', async () => {
    expect(await ctl.run('auth', 'enable')).toEqual(ok('Authentication Enabled\n'));
    expect(await ctl.run('auth', 'enable')).toEqual(failed('Insufficient credentials'));
    expect(await ctl.run('user', 'list')).toEqual(failed('Insufficient credentials'));
    expect(await ctl.run(...ROOT, 'user', 'list')).toEqual(ok('alice\nroot\n'));
    expect(await ctl.run(...ROOT, 'role', 'list')).toEqual(ok('guest\nreader\nroot\nwriter\n'));
    expect(await ctl.run(...ROOT, 'role', 'revoke', 'guest', '--path', '/*', '--readwrite')).toEqual(ok('Role guest updated\n'));
    expect(await ctl.run('set', '/foo/a', '1')).toEqual(refused);
  });

  it('reads and writes keys as users: set, get, ls, mkdir, rm', async () => {
    expect(await ctl.run(...ROOT, 'set', '/foo/a', '1')).toEqual(ok('1\n'));
    expect(await ctl.run(...ALICE, 'get', '/foo/a')).toEqual(ok('1\n'));
    expect(await ctl.run(...ALICE, 'set', '/foo/a', '2')).toEqual(refused);
    expect(await ctl.run(...ALICE, 'ls', '/foo')).toEqual(refused);
    expect(await ctl.run(...ALICE, 'ls', '--recursive', '/foo/')).toEqual(ok('/foo/a\n'));
    expect(await ctl.run(...ROOT, 'mkdir', '/foo/dir')).toEqual(ok(''));
    expect(await ctl.run(...ALICE, 'mkdir', '/foo/dir2')).toEqual(refused);
    expect(await ctl.run(...ALICE, 'rm', '/foo/a')).toEqual(refused);
    expect(await ctl.run(...ROOT, 'rm', '/foo/a')).toEqual(ok('PrevNode.Value: 1\n'));
    expect(await ctl.run('--username', 'alice:bad', 'get', '/foo/a')).toEqual(refused);
    expect(await ctl.run('get', '/foo/a')).toEqual(refused);
  });

  it('watches only with read access', async () => {
    expect(await ctl.run('watch', '/foo/x')).toEqual(refused);
    await waitForNoWatchers(cluster);
    const watch = ctl.start(...ALICE, 'watch', '/foo/x');
    await waitForWatchers(cluster, 1);
    expect(await ctl.run(...ROOT, 'set', '/foo/x', 'v1')).toEqual(ok('v1\n'));
    expect(await watch.exited).toEqual(ok('v1\n'));
    expect(await ctl.run(...ALICE, 'watch', '/foo/x', '--after-index', '1')).toEqual(ok('v1\n'));
    expect(await ctl.run(...ALICE, 'ls', '/')).toEqual(refused);
  });

  it('changes a password, revokes, removes, and disables auth', async () => {
    const stty = "stty: 'standard input': Inappropriate ioctl for device\n";
    const passwd = await ctl.sh("printf 'newpw\\n' | $ETCDCTL --username root:pw user passwd alice");
    expect(passwd).toEqual({ code: 0, stdout: 'New password: \nPassword updated\n', stderr: stty + stty });
    expect(await ctl.run(...ALICE, 'get', '/foo/x')).toEqual(refused);
    expect(await ctl.run('--username', 'alice:newpw', 'get', '/foo/dir')).toEqual(failed('/foo/dir: is a directory'));
    expect(await ctl.run(...ROOT, 'user', 'revoke', 'alice', '--roles', 'reader')).toEqual(ok('User alice updated\n'));
    expect(await ctl.run(...ROOT, 'user', 'revoke', 'alice', '--roles', 'reader')).toEqual(failed('auth: Revoking ungranted role reader for user alice'));
    expect(await ctl.run(...ROOT, 'user', 'remove', 'alice')).toEqual(ok('User alice removed\n'));
    expect(await ctl.run(...ROOT, 'user', 'remove', 'alice')).toEqual(failed('auth: User alice does not exist'));
    expect(await ctl.run(...ROOT, 'role', 'remove', 'writer')).toEqual(ok('Role writer removed\n'));
    expect(await ctl.run(...ROOT, 'role', 'remove', 'writer')).toEqual(failed("auth: Role writer doesn't exist."));
    expect(await ctl.run(...ROOT, 'role', 'get', 'nope')).toEqual(failed('auth: Role nope does not exist.'));
    expect(await ctl.run(...ROOT, 'user', 'remove', 'root')).toEqual(failed('auth: Cannot delete root user while auth is enabled.'));
    expect(await ctl.run(...ROOT, 'auth', 'disable')).toEqual(ok('Authentication Disabled\n'));
    expect(await ctl.run('auth', 'disable')).toEqual(failed('auth: already disabled'));
    expect(await ctl.run('user', 'remove', 'root')).toEqual(ok('User root removed\n'));
    expect(await ctl.run('set', '/w', '1')).toEqual(ok('1\n'));
  });
});
