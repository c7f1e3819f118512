// The one logger shape the server uses (pino's), so a child per member says who spoke.
import pino from 'pino';
import type { LogLevel } from './config.js';

export type Logger = pino.Logger;

/** `level` comes from `--log-level` (or `--debug`), as in etcd. */
export function createLogger(member: string, level: LogLevel): Logger {
  return pino({ level, base: { member } });
}
