// Reads a history written by a run (JSON, with Infinity spelled "Infinity").
import { readFileSync } from 'node:fs';
import type { Operation } from './history.js';

export function readHistory(path: string): Operation[] {
  const data = JSON.parse(readFileSync(path, 'utf8'), (_k, v) => (v === 'Infinity' ? Infinity : v));
  return data.ops as Operation[];
}
