// Member and cluster ids, checked against values a real etcd 3.4.23 reported (/v2/members,
// X-Etcd-Cluster-Id and its log) for the same peer URLs and tokens.
import { describe, expect, it } from 'vitest';
import { clusterIdFor, formatId, memberIdFor, parseId } from '../../src/server/ids.js';

describe('ids as etcd derives them', () => {
  it('match a default etcd: member 8e9e05c52164694d in cluster cdf818194e3a8c32', () => {
    const member = memberIdFor(['http://localhost:2380'], 'etcd-cluster');
    expect(member).toBe('8e9e05c52164694d');
    expect(clusterIdFor([member])).toBe('cdf818194e3a8c32');
  });

  it('match a three-member etcd where one member has two peer URLs, given in any order', () => {
    const token = 'etcd-cluster-1';
    const ids = [
      memberIdFor(['http://127.0.0.1:41390', 'http://127.0.0.1:41380'], token),
      memberIdFor(['http://127.0.0.1:41381'], token),
      memberIdFor(['http://127.0.0.1:41382'], token),
    ];
    expect(ids).toEqual(['6032420398cf65dd', '83818a04ca8c651d', 'b425dc9a19a13538']);
    expect(memberIdFor(['http://127.0.0.1:41380', 'http://127.0.0.1:41390'], token)).toBe('6032420398cf65dd');
    expect(clusterIdFor(ids)).toBe('b60130cc5aeeed76');
    expect(clusterIdFor([...ids].reverse())).toBe('b60130cc5aeeed76');
  });

  it("match etcd's Procfile cluster (infra1..3 on 12380, 22380, 32380, token etcd-cluster-1)", () => {
    const ids = ['12380', '22380', '32380'].map((port) => memberIdFor([`http://127.0.0.1:${port}`], 'etcd-cluster-1'));
    expect(ids).toEqual(['8211f1d0f64f3269', '91bc3c398fb3c146', 'fd422379fda50e48']);
    expect(clusterIdFor(ids)).toBe('ef37ad9dc622a7c4');
  });

  it('match a member added at runtime: no token, and the unix time it was added', () => {
    expect(memberIdFor(['http://127.0.0.1:41385'], '', 1795325338)).toBe('842372503e8e4d8c');
  });

  it('keep leading zeros inside raftkv and drop them where etcd prints ids', () => {
    const member = memberIdFor(['http://127.0.0.1:41380'], 'tok-254');
    const cluster = clusterIdFor([member]);
    expect([member, cluster]).toEqual(['0565413a4652a3ba', '0161881876690e55']);
    // etcd answered /v2/members with "id":"565413a4652a3ba" and X-Etcd-Cluster-Id: 161881876690e55.
    expect([formatId(member), formatId(cluster)]).toEqual(['565413a4652a3ba', '161881876690e55']);
  });
});

describe('reading ids from clients', () => {
  it('accepts hex with or without leading zeros, in either case', () => {
    expect(parseId('565413a4652a3ba')).toBe('0565413a4652a3ba');
    expect(parseId('8E9E05C52164694D')).toBe('8e9e05c52164694d');
  });

  it.each(['', 'xyz', '18e9e05c52164694d', '-1'])('rejects %j', (text) => {
    expect(parseId(text)).toBeUndefined();
  });

  it('formats the zero id as 0', () => {
    expect(formatId('0000000000000000')).toBe('0');
  });
});
