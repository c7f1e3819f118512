// --logger, --log-outputs (and the deprecated --log-output), --log-level and --debug, checked in the
// order and words of etcd 3.4's setupLogging (embed/config_logging.go). raftkv writes one format,
// JSON lines shaped as zap's, whichever logger is named; capnslog's text is not reproduced, but its
// rules for outputs and levels are kept, so a configuration etcd refuses is refused here too.
import type { LogLevel } from '../src/server/config.js';
import type { FlagSet } from './flag-set.js';
import { logSinkPath } from './log-sink.js';

export interface LogSettings {
  level: LogLevel;
  /** 'stdout', 'stderr' or a file path, as the logger opens them. */
  outputs: string[];
}

/** Why etcd would not start; `exitCode` 2 where etcd panics (an unknown level), else 1. */
export interface LogProblem {
  problem: string;
  exitCode: 1 | 2;
}

const DEFAULT = 'default';
const JOURNAL = 'systemd/journal';

/** etcd's ConvertToZapLevel: pino has no panic levels, so dpanic and panic log as fatal. */
const LEVELS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error', dpanic: 'fatal', panic: 'fatal', fatal: 'fatal' };

export function readLogging(flags: FlagSet, notices: string[]): LogSettings | LogProblem {
  const outputs = chooseOutputs(uniqueStrings(flags.string('log-output')), uniqueStrings(flags.string('log-outputs')), notices);
  if (typeof outputs === 'string') return refused(outputs);
  const logger = flags.string('logger');
  const debug = flags.bool('debug');
  const levelText = flags.string('log-level');
  if (debug) notices.push(debugNotice(logger, levelText));
  if (logger === 'capnslog') {
    if (flags.isGiven('logger')) notices.push("--logger=capnslog: raftkv writes JSON lines shaped as zap's, not capnslog's text; capnslog's rules for --log-outputs apply");
    // capnslog's --debug sets the level before --log-level is read, so a bad level passes then.
    const level = debug ? 'debug' : readLevel(levelText);
    if (typeof level !== 'string') return level;
    if (outputs.length !== 1) return refused(`--logger=capnslog supports only 1 value in '--log-outputs', got ${goQuoted(outputs)}`);
    const [output] = outputs as [string];
    if (![DEFAULT, 'stderr', 'stdout'].includes(output)) return refused(`unknown log-output ${JSON.stringify(output)} (only supports "default", "stderr", "stdout")`);
    return { level, outputs: [output === DEFAULT ? 'stderr' : output] };
  }
  if (logger !== 'zap') return refused(`unknown logger option ${JSON.stringify(logger)}`);
  if (outputs.length > 1 && outputs.includes(DEFAULT)) return refused(`multi logoutput for "default" is not supported yet`);
  // etcd writes to journald's socket itself; raftkv cannot, and systemd already sends stderr there.
  if (outputs.includes(JOURNAL)) return refused(`--log-outputs=${outputs.join(',')}: raftkv cannot write to the systemd journal; use stderr, which systemd sends to the journal`);
  const level = readLevel(levelText); // zap reads --log-level even with --debug
  if (typeof level !== 'string') return level;
  const paths: string[] = [];
  for (const output of outputs) {
    const path = output === DEFAULT ? 'stderr' : logSinkPath(output);
    if (typeof path !== 'string') return refused(`open sink ${JSON.stringify(output)}: ${path.problem}`);
    if (!paths.includes(path)) paths.push(path);
  }
  // zap's MergeOutputPaths: /dev/null among the outputs discards them all.
  return { level, outputs: paths.includes('/dev/null') ? ['/dev/null'] : paths };
}

/**
 * etcd 3.4 reconciles the two flags by how many values each holds: the deprecated one wins only
 * with more; with as many, it is warned about and has no effect.
 */
function chooseOutputs(deprecated: string[], current: string[], notices: string[]): string[] | string {
  if (deprecated.length > current.length) {
    notices.push("'--log-output' flag has been deprecated! Please use '--log-outputs'!");
    return deprecated;
  }
  if (deprecated.length < current.length) return current;
  if (deprecated.length > 1) return "both '--log-output' and '--log-outputs' are set; only set '--log-outputs'";
  if (deprecated[0] === DEFAULT) return current;
  if (deprecated[0] === current[0]) return `'--log-output=${goQuoted(deprecated)}' and '--log-outputs=${goQuoted(current)}' are incompatible; only set --log-outputs`;
  notices.push(`--log-output=${deprecated[0]} is ignored, as etcd 3.4 ignores a deprecated --log-output holding as many values as --log-outputs: use --log-outputs`);
  return current;
}

function readLevel(text: string): LogLevel | LogProblem {
  if (Object.hasOwn(LEVELS, text)) return LEVELS[text]!;
  return { problem: `unknown level ${JSON.stringify(text)} (--log-level supports only debug, info, warn, error, panic or fatal; etcd 3.4 panics, exiting 2)`, exitCode: 2 };
}

function debugNotice(logger: string, levelText: string): string {
  if (logger === 'zap') return `--debug=true does not change the level with --logger=zap, as in etcd 3.4: use --log-level=debug (the level is ${levelText})`;
  return "--debug is deprecated: use '--log-level=debug' instead";
}

function refused(problem: string): LogProblem {
  return { problem, exitCode: 1 };
}

/** etcd's UniqueStringsValue: comma-separated, each value once, sorted. */
function uniqueStrings(text: string): string[] {
  return [...new Set(text.split(','))].sort();
}

/** Go's %q of a []string. */
function goQuoted(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
