// A member's or proxy's logger, its outputs opened first of all, so that a bad --log-outputs path
// stops the start in etcd's words.
import type { MemberConfig } from '../src/server/config.js';
import { createLogger } from '../src/server/logger.js';
import type { Logger } from '../src/server/logger.js';
import { goOpenError } from './go-errors.js';

export function openLogger(config: MemberConfig): Logger {
  try {
    return createLogger(config.name, config.logLevel, config.logOutputs);
  } catch (err) {
    const { path } = err as NodeJS.ErrnoException;
    if (path === undefined) throw err;
    throw new Error(`open sink ${JSON.stringify(path)}: ${goOpenError(path, err as NodeJS.ErrnoException)}`);
  }
}
