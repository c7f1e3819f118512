// A `raftkv migrate` process for the migration tests: its stderr kept (progress lines, refusals),
// its exit awaited, and a wait for a line of its output.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { trackChild } from '../../bench/harness/child-registry.js';
import { CLUSTER_WAIT_MS, RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';

export interface Migrator {
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
  /** Waits (as long as a cluster may take to answer on a busy machine) until stderr matches. */
  says(what: string, pattern: RegExp): Promise<void>;
}

export function startMigrator(args: string[]): Migrator {
  const proc = spawn(process.execPath, [RAFTKV_BIN, 'migrate', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(proc);
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return {
    proc,
    stderr: () => stderr,
    exited,
    says: (what, pattern) => waitFor(what, () => pattern.test(stderr), CLUSTER_WAIT_MS, () => stderr),
  };
}
