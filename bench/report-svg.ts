// The run's picture: for each failover case, write throughput and p99 over time with the faults
// marked, one line per target; and with two targets bar charts of the raftkv/etcd throughput ratios
// and (for the cpu workload, whose throughput is the rate it was offered) the etcd/raftkv ratios of
// CPU per operation.
import type { TargetKind } from './cluster-target.js';
import { ratios, type Row } from './rows.js';
import { barChart, lineChart, svgDocument, type Chart, type Marker, type Series } from './svg-chart.js';

const COLORS: Record<TargetKind, string> = { raftkv: '#1f77b4', etcd: '#ff7f0e' };

/** Each target's faults, the first labelled (one label per target keeps the chart readable). */
function faultMarkers(rows: Row[]): Marker[] {
  return rows.flatMap((r) => (r.events ?? []).map((e, i): Marker => ({ x: e.atSec, label: i === 0 ? `${r.target}: ${e.label}` : '', color: COLORS[r.target] })));
}

function failoverCharts(rows: Row[]): Chart[] {
  return [...new Set(rows.map((r) => r.case))].flatMap((name) => {
    const of = rows.filter((r) => r.case === name);
    const series = (pick: (w: { opsPerSec: number; p99Ms: number }) => number): Series[] => of.map((r) => ({
      name: r.target,
      color: COLORS[r.target],
      points: r.timeline!.map((w): [number, number] => [w.atSec, pick(w)]),
    }));
    const markers = faultMarkers(of);
    return [
      lineChart(`failover ${name}: write throughput (100 ms windows)`, 'seconds', 'ops/s', series((w) => w.opsPerSec), markers),
      lineChart(`failover ${name}: write p99 latency (100 ms windows)`, 'seconds', 'p99 ms', series((w) => w.p99Ms), markers),
    ];
  });
}

/** The SVG for these rows, or undefined when there is nothing to draw. */
export function runSvg(rows: Row[]): string | undefined {
  const charts = failoverCharts(rows.filter((r) => r.workload === 'failover' && r.timeline));
  const all = ratios(rows);
  const throughput = all.filter((x) => x.cpuPerOp === undefined);
  const cpu = all.filter((x) => x.cpuPerOp !== undefined);
  if (throughput.length > 0) {
    charts.push(barChart('throughput ratio raftkv/etcd (higher is better for raftkv)', throughput.map((x) => ({ label: `${x.workload} ${x.case}`, value: x.opsPerSec })), 1));
  }
  if (cpu.length > 0) {
    charts.push(barChart('CPU per operation, ratio etcd/raftkv (higher is better for raftkv)', cpu.map((x) => ({ label: x.case, value: x.cpuPerOp! })), 1));
  }
  return charts.length > 0 ? svgDocument(charts) : undefined;
}
