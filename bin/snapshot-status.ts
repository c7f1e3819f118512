// `raftkv snapshot status`: what a backup file holds, checked whole first (a damaged file is
// refused, not described), printed as etcdctl 3.4 prints its snapshot status: -w simple, table
// or json, with raftkv's index and term where etcd has a revision, and the checksum's verdict.
import { readFile } from 'node:fs/promises';
import { decodeSnapshotData } from '../src/server/snapshot-data.js';
import { Store } from '../src/store/store.js';
import type { NodeJSON } from '../src/store/types.js';
import { decodeBackupFile } from '../src/storage/backup-file.js';

export interface SnapshotStatus {
  hash: string;
  index: number;
  term: number;
  totalKey: number;
  totalSize: number;
  clusterId: string;
  checksum: 'ok';
}

export async function snapshotStatus(file: string): Promise<SnapshotStatus> {
  const bytes = await readFile(file);
  const { header, body } = decodeBackupFile(bytes, file);
  const store = Store.restore(decodeSnapshotData(body).store);
  const root = store.get('/', { recursive: true }, 0).node;
  return { hash: header.bodySha256, index: header.index, term: header.term, totalKey: countNodes(root) - 1, totalSize: bytes.length, clusterId: header.clusterId, checksum: 'ok' };
}

/** Keys and directories, the node itself included (hidden `_` keys are not listed, as in a GET). */
function countNodes(node: NodeJSON): number {
  return 1 + (node.nodes ?? []).reduce((n, child) => n + countNodes(child), 0);
}

export function formatStatus(s: SnapshotStatus, format: string): string {
  const row = [s.hash, s.index, s.term, s.totalKey, humanBytes(s.totalSize), s.checksum];
  switch (format) {
    case 'json':
      return JSON.stringify(s) + '\n';
    case 'table':
      return table(['HASH', 'INDEX', 'TERM', 'TOTAL KEYS', 'TOTAL SIZE', 'CHECKSUM'], row);
    case 'simple':
      return row.join(', ') + '\n';
    default:
      throw new Error(`unsupported output format ${JSON.stringify(format)} (simple, table or json)`);
  }
}

/** go-humanize's Bytes, which etcdctl prints sizes with: SI units, one decimal below 10. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const value = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${units[e]}`;
}

/** tablewriter's box as etcdctl draws it: headers centred, numbers right-aligned, text left. */
function table(headers: string[], row: (string | number)[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, String(row[i]).length));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const centre = (h: string, w: number): string => {
    const left = Math.floor((w - h.length) / 2);
    return ' '.repeat(left) + h + ' '.repeat(w - h.length - left);
  };
  const cell = (v: string | number, w: number): string => (typeof v === 'number' ? String(v).padStart(w) : v.padEnd(w));
  const line = (cells: string[]): string => '| ' + cells.join(' | ') + ' |\n';
  return rule + line(headers.map((h, i) => centre(h, widths[i]!))) + rule + line(row.map((v, i) => cell(v, widths[i]!))) + rule;
}
