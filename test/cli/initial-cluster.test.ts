// --initial-cluster: its parsing, and the bootstrap checks etcd makes of it, with the messages
// etcd 3.4.23 printed for the same arguments (recorded from the real binary).
import { describe, expect, it } from 'vitest';
import { parseInitialCluster } from '../../bin/initial-cluster.js';
import { configOf, failure } from './outcomes.js';

const PEER = 'http://127.0.0.1:41380';
const withPeer = (initialCluster: string, ...more: string[]): string[] => [
  '--listen-peer-urls', PEER,
  '--initial-advertise-peer-urls', PEER,
  '--initial-cluster', initialCluster,
  ...more,
];

describe('parsing --initial-cluster', () => {
  it('reads name=url pairs in order', () => {
    expect(parseInitialCluster('infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380')).toEqual([
      { name: 'infra1', peerUrls: ['http://127.0.0.1:12380'] },
      { name: 'infra2', peerUrls: ['http://127.0.0.1:22380'] },
      { name: 'infra3', peerUrls: ['http://127.0.0.1:32380'] },
    ]);
  });

  it('gathers the URLs of a repeated name into one member, sorted', () => {
    expect(parseInitialCluster('a=http://10.0.0.1:2381,b=http://10.0.0.2:2380,a=http://10.0.0.1:2380')).toEqual([
      { name: 'a', peerUrls: ['http://10.0.0.1:2380', 'http://10.0.0.1:2381'] },
      { name: 'b', peerUrls: ['http://10.0.0.2:2380'] },
    ]);
  });

  it('skips empty items and trims spaces around URLs', () => {
    expect(parseInitialCluster(',a= http://10.0.0.1:2380 ,,')).toEqual([{ name: 'a', peerUrls: ['http://10.0.0.1:2380'] }]);
  });

  it('is empty for an empty flag', () => {
    expect(parseInitialCluster('')).toEqual([]);
  });
});

describe('bootstrap checks', () => {
  it('starts a member whose advertised peer URLs match its entry', () => {
    const config = configOf(withPeer(`default=${PEER},other=http://127.0.0.1:41381`));
    expect(config.initialCluster.map((m) => m.name)).toEqual(['default', 'other']);
  });

  it.each([
    ['foo', 'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: '],
    ['default=notaurl', 'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: notaurl'],
    [`default=${PEER}/`, `error setting up initial cluster: URL must not contain a path: ${PEER}/`],
    ['', `couldn't find local name "default" in the initial cluster configuration`],
    ['b=http://127.0.0.1:41380', `couldn't find local name "default" in the initial cluster configuration`],
    [
      'default=http://localhost:41380',
      `--initial-cluster has default=http://localhost:41380 but missing from --initial-advertise-peer-urls=${PEER} (resolved urls: "${PEER}" != "http://localhost:41380")`,
    ],
    [
      `default=${PEER},default=http://127.0.0.1:41381`,
      `--initial-cluster has default=http://127.0.0.1:41381 but missing from --initial-advertise-peer-urls=${PEER} (len(["${PEER}"]) != len(["${PEER}" "http://127.0.0.1:41381"]))`,
    ],
    [
      `default=${PEER},default=${PEER}`,
      `failed to resolve ${PEER} to match --initial-cluster=default=${PEER},default=${PEER} (len(["${PEER}"]) != len(["${PEER}" "${PEER}"]))`,
    ],
    [`default=${PEER},other=${PEER}`, `initial cluster default=${PEER},other=${PEER} has duplicate url`],
    [
      `b=http://127.0.0.1:41383,a=http://127.0.0.1:41383,default=${PEER}`,
      `initial cluster a=http://127.0.0.1:41383,b=http://127.0.0.1:41383,default=${PEER} has duplicate url`,
    ],
  ])('--initial-cluster %j is refused', (initialCluster, message) => {
    const error = failure(withPeer(initialCluster));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(message);
  });

  it('names the advertised URLs missing from the cluster', () => {
    const argv = withPeer(`default=${PEER}`, '--initial-advertise-peer-urls', `${PEER},http://127.0.0.1:41381`);
    expect(failure(argv).message).toBe(
      `--initial-advertise-peer-urls has http://127.0.0.1:41381 but missing from --initial-cluster=default=${PEER},default=http://127.0.0.1:41381`,
    );
  });

  it('compares several peer URLs regardless of order, and reports the first that differs', () => {
    expect(configOf(withPeer(`default=http://127.0.0.1:41381,default=${PEER}`, '--initial-advertise-peer-urls', `http://127.0.0.1:41381,${PEER}`)).name).toBe('default');
    const argv = withPeer(`default=http://127.0.0.1:41382,default=${PEER}`, '--initial-advertise-peer-urls', `http://127.0.0.1:41381,${PEER}`);
    expect(failure(argv).message).toBe(
      `--initial-cluster has default=http://127.0.0.1:41382 but missing from --initial-advertise-peer-urls=${PEER},http://127.0.0.1:41381 (resolved urls: "http://127.0.0.1:41381" != "http://127.0.0.1:41382")`,
    );
  });

  it('does not compare advertised URLs when joining an existing cluster, but still needs the name', () => {
    expect(configOf(withPeer('default=http://127.0.0.1:41999', '--initial-cluster-state', 'existing')).initialClusterState).toBe('existing');
    expect(failure(withPeer(`other=${PEER}`, '--initial-cluster-state', 'existing')).message).toBe(
      `couldn't find local name "default" in the initial cluster configuration`,
    );
  });

  it('bootstraps a named member left with the default --initial-cluster as a cluster of itself, as etcd 3.4 does', () => {
    expect(configOf(['--name', 'b']).initialCluster).toEqual([{ name: 'b', peerUrls: ['http://localhost:2380'] }]);
    expect(configOf(['--name', 'b', '--initial-cluster', 'default=http://localhost:2380']).initialCluster).toEqual([
      { name: 'b', peerUrls: ['http://localhost:2380'] },
    ]);
    expect(configOf(withPeer('default=http://localhost:2380', '--name', 'b')).initialCluster).toEqual([{ name: 'b', peerUrls: [PEER] }]);
  });

  it('refuses an empty name that the cluster does not list', () => {
    expect(failure(withPeer(`default=${PEER}`, '--name=')).message).toBe(`couldn't find local name "" in the initial cluster configuration`);
  });
});
