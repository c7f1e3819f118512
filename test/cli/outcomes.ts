// Shorthands over parseArgs for tests that expect a start, or an error.
import { parseArgs } from '../../bin/flags.js';
import type { ParseOutcome } from '../../bin/flags.js';
import type { MemberConfig } from '../../src/server/config.js';

type Env = Record<string, string>;

export function started(argv: string[], env: Env = {}): { config: MemberConfig; notices: string[] } {
  const outcome = parseArgs(argv, env);
  if (outcome.kind !== 'start') throw new Error(`expected a start, got ${JSON.stringify(outcome)}`);
  return outcome;
}

export function configOf(argv: string[], env: Env = {}): MemberConfig {
  return started(argv, env).config;
}

export function failure(argv: string[], env: Env = {}): Extract<ParseOutcome, { kind: 'error' }> {
  const outcome = parseArgs(argv, env);
  if (outcome.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** The first line of an error, without the usage that follows flag syntax errors. */
export function firstLine(argv: string[], env: Env = {}): string {
  return failure(argv, env).message.split('\n')[0]!;
}

/** A one-member cluster on 127.0.0.1 with no defaults left that could mask what a test sets. */
export const SOLO = [
  '--name', 'solo',
  '--listen-peer-urls', 'http://127.0.0.1:41380',
  '--initial-advertise-peer-urls', 'http://127.0.0.1:41380',
  '--listen-client-urls', 'http://127.0.0.1:41379',
  '--advertise-client-urls', 'http://127.0.0.1:41379',
  '--initial-cluster', 'solo=http://127.0.0.1:41380',
];
