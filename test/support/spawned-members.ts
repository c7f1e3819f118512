// raftkv processes a test spawns by hand (outside ProcessCluster, to see their raw stdout and
// stderr): each is registered for exit-time cleanup and killed after the test that started it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { trackChild } from '../../bench/harness/child-registry.js';
import { RAFTKV_BIN } from '../../bench/harness/process-cluster.js';

export interface SpawnedMember {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams, in arrival order. */
  output(): string;
}

/** Call at a test file's top level; returns how to spawn members that are killed after each test. */
export function spawnedMembers(): (flags: string[]) => SpawnedMember {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    for (const proc of running.splice(0)) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
  });
  return (flags) => {
    const proc = spawn(process.execPath, [RAFTKV_BIN, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(proc);
    running.push(proc);
    let [stdout, stderr, output] = ['', '', ''];
    proc.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
    proc.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
    return { proc, stdout: () => stdout, stderr: () => stderr, output: () => output };
  };
}
