// The markdown table printed on stdout: one line per case, and with two targets their figures
// side by side with the raftkv/etcd throughput ratio; then, for the cpu workload's cases, a table
// of CPU per operation, with the etcd/raftkv ratio.
import type { TargetKind } from './cluster-target.js';
import { caseKey, ratios, type Row } from './rows.js';

const num = (v: number, digits = 0): string => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (v: number): string => num(v, v < 10 ? 2 : 1);

function notes(row: Row): string {
  const errors = Object.values(row.errors).reduce((a, b) => a + b, 0);
  const parts = Object.entries(row.notes).map(([k, v]) => `${k} ${typeof v === 'number' ? num(v, Number.isInteger(v) ? 0 : 2) : v}`);
  if (errors > 0 && !('errors' in row.notes)) parts.push(`errors ${num(errors)}`);
  return parts.join(', ');
}

const figures = (row: Row | undefined): string[] => row
  ? [num(row.opsPerSec), ms(row.latency.p50Ms), ms(row.latency.p99Ms), ms(row.latency.maxMs), notes(row)]
  : ['–', '–', '–', '–', 'not run'];

const lines = (rows: string[][]): string => rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** Offered and achieved rate and CPU µs/op of each target, for the cases that measured CPU. */
function cpuTable(rows: Row[], targets: TargetKind[]): string {
  const measured = rows.filter((r) => r.cpu);
  const cases = [...new Map(measured.map((r) => [caseKey(r), r])).values()];
  const compare = targets.length > 1;
  const header = ['case', 'offered ops/s', ...targets.flatMap((t) => ['achieved ops/s', 'CPU µs/op'].map((h) => (compare ? `${t} ${h}` : h)))];
  if (compare) header.push('CPU µs/op etcd/raftkv');
  const ratioOf = new Map(ratios(rows).map((r) => [caseKey(r), r.cpuPerOp]));
  const body = cases.map((c) => {
    const cells = [c.case, num(c.cpu!.offeredPerSec), ...targets.flatMap((t) => {
      const row = measured.find((r) => r.target === t && caseKey(r) === caseKey(c));
      return row ? [num(row.opsPerSec), num(row.cpu!.microsPerOp)] : ['–', '–'];
    })];
    const ratio = ratioOf.get(caseKey(c));
    if (compare) cells.push(ratio === undefined ? '–' : num(ratio, 2));
    return cells;
  });
  return lines([header, header.map(() => '---'), ...body]);
}

export function markdownTable(rows: Row[], targets: TargetKind[]): string {
  const cases = [...new Map(rows.map((r) => [caseKey(r), r])).values()];
  const find = (target: TargetKind, key: string): Row | undefined => rows.find((r) => r.target === target && caseKey(r) === key);
  const perTarget = ['ops/s', 'p50 ms', 'p99 ms', 'max ms', 'notes'];
  const compare = targets.length > 1;
  const header = ['workload', 'case', ...targets.flatMap((t) => perTarget.map((h) => (compare ? `${t} ${h}` : h)))];
  if (compare) header.push('ops/s raftkv/etcd');
  const ratioOf = new Map(ratios(rows).map((r) => [caseKey(r), r.opsPerSec]));
  const body = cases.map((c) => {
    const cells = [c.workload, c.case, ...targets.flatMap((t) => figures(find(t, caseKey(c))))];
    if (compare) cells.push(ratioOf.has(caseKey(c)) ? num(ratioOf.get(caseKey(c))!, 2) : '–');
    return cells;
  });
  const table = lines([header, header.map(() => '---'), ...body]);
  return rows.some((r) => r.cpu) ? `${table}\n\n${cpuTable(rows, targets)}` : table;
}
