// The one logger shape the server uses (pino's), so a child per member says who spoke.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(member: string, level = process.env.RAFTKV_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { member } });
}
