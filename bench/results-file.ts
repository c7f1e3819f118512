// The run's record under the results directory: every figure as JSON, with the machine and
// versions it was measured on, and the SVG beside it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetKind } from './cluster-target.js';
import type { MachineInfo } from './machine.js';
import { ratios, type Row } from './rows.js';
import { runSvg } from './report-svg.js';
import type { CliOptions } from './options.js';

export interface RunRecord {
  date: string;
  machine: MachineInfo;
  targets: TargetKind[];
  options: CliOptions;
  rows: Row[];
}

/** Writes <date>-<targets>.json (and .svg); returns the paths written. */
export function writeResults(dir: string, record: RunRecord): string[] {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${record.date.replace(/[:.]/g, '-')}-${record.targets.join('-vs-')}`);
  const json = `${base}.json`;
  writeFileSync(json, `${JSON.stringify({ ...record, ratios: ratios(record.rows) }, null, 2)}\n`);
  const svg = runSvg(record.rows);
  if (svg === undefined) return [json];
  writeFileSync(`${base}.svg`, svg);
  return [json, `${base}.svg`];
}
