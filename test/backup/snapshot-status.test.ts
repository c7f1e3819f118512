// `snapshot status` output as etcdctl 3.4 prints its own: go-humanize sizes, tablewriter's box.
import { describe, expect, it } from 'vitest';
import { formatStatus, humanBytes } from '../../bin/snapshot-status.js';

const status = { hash: 'ab12', index: 42, term: 3, totalKey: 7, totalSize: 2150400, clusterId: '00000000cafef00d', checksum: 'ok' as const };

describe('snapshot status output', () => {
  it('sizes as go-humanize.Bytes', () => {
    expect([0, 9, 10, 999, 1000, 25_000, 2_150_400, 12_345_678].map(humanBytes)).toEqual(['0 B', '9 B', '10 B', '999 B', '1.0 kB', '25 kB', '2.2 MB', '12 MB']);
  });

  it('prints simple, table and json', () => {
    expect(formatStatus(status, 'simple')).toBe('ab12, 42, 3, 7, 2.2 MB, ok\n');
    expect(formatStatus(status, 'table')).toBe(
      [
        '+------+-------+------+------------+------------+----------+',
        '| HASH | INDEX | TERM | TOTAL KEYS | TOTAL SIZE | CHECKSUM |',
        '+------+-------+------+------------+------------+----------+',
        '| ab12 |    42 |    3 |          7 | 2.2 MB     | ok       |',
        '+------+-------+------+------------+------------+----------+',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(formatStatus(status, 'json'))).toEqual(status);
    expect(() => formatStatus(status, 'yaml')).toThrow(/unsupported output format/);
  });
});
