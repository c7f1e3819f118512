// The run's picture: failover throughput and p99 over time with the kill marked, one line per
// target, and with two targets a bar chart of the raftkv/etcd throughput ratios.
import type { TargetKind } from './cluster-target.js';
import { ratios, type Row } from './rows.js';
import { barChart, lineChart, svgDocument, type Chart, type Marker, type Series } from './svg-chart.js';

const COLORS: Record<TargetKind, string> = { raftkv: '#1f77b4', etcd: '#ff7f0e' };

/** The SVG for these rows, or undefined when there is nothing to draw. */
export function runSvg(rows: Row[]): string | undefined {
  const charts: Chart[] = [];
  const failovers = rows.filter((r) => r.workload === 'failover' && r.timeline);
  if (failovers.length > 0) {
    const series = (pick: (w: { opsPerSec: number; p99Ms: number }) => number): Series[] => failovers.map((r) => ({
      name: r.target,
      color: COLORS[r.target],
      points: r.timeline!.map((w): [number, number] => [w.atSec, pick(w)]),
    }));
    const markers = failovers.flatMap((r): Marker[] => typeof r.notes['kill at s'] === 'number'
      ? [{ x: r.notes['kill at s'], label: `${r.target}: kill -9 leader`, color: COLORS[r.target] }]
      : []);
    charts.push(lineChart('failover: write throughput (100 ms windows)', 'seconds', 'ops/s', series((w) => w.opsPerSec), markers));
    charts.push(lineChart('failover: write p99 latency (100 ms windows)', 'seconds', 'p99 ms', series((w) => w.p99Ms), markers));
  }
  const r = ratios(rows);
  if (r.length > 0) {
    charts.push(barChart('throughput ratio raftkv/etcd (higher is better for raftkv)', r.map((x) => ({ label: `${x.workload} ${x.case}`, value: x.opsPerSec })), 1));
  }
  return charts.length > 0 ? svgDocument(charts) : undefined;
}
