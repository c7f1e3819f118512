// The one logger shape the server uses (pino's), so a child per member says who spoke. Lines are
// shaped as etcd's zap lines ("level" by name, "ts" in ISO 8601 UTC), so what reads etcd's reads these.
import pino from 'pino';
import type { DestinationStream } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = pino.Logger;

/**
 * `level` comes from `--log-level`, `outputs` from `--log-outputs`: 'stdout', 'stderr' or files,
 * appended to, each getting every line. Files are opened at once, so a bad path throws (with the
 * path on the error) before anything starts. Writes are synchronous: a line logged just before
 * process.exit is not lost.
 */
export function createLogger(member: string, level: LogLevel, outputs: readonly string[]): Logger {
  const streams = outputs.map(destination);
  const stream = streams.length === 1 ? streams[0]! : pino.multistream(streams.map((s) => ({ level: 'trace' as const, stream: s })));
  return pino(
    {
      level,
      base: { member },
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

function destination(output: string): DestinationStream {
  const dest = output === 'stdout' ? 1 : output === 'stderr' ? 2 : output;
  return pino.destination({ dest, sync: true, append: true, mkdir: false });
}
