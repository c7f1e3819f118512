// Everything the harness starts — member processes, load workers, temp directories, and processes
// it cannot hold as children (a PostgreSQL that Patroni starts in a session of its own) — is
// registered here, so that an error, Ctrl-C or SIGTERM still leaves no orphan process and no
// data directory behind.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
const cleanups = new Set<() => void>();

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** A synchronous way to stop processes that are not our children; returns a function that forgets it. */
export function trackCleanup(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Synchronous, so it also works from an 'exit' handler. */
function killEverything(): void {
  for (const child of children) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: the rest still runs.
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

export function installCleanupHandlers(): void {
  process.once('exit', killEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nraftkv bench: ${signal}, stopping every process it started\n`);
      killEverything();
      process.exit(130);
    });
  }
}
