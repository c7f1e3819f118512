// Child processes for client tests: run one to completion, or keep one running (watch, exec-watch)
// and read what it has printed so far.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Finished>;
  /** SIGKILL, then what it printed. */
  kill(): Promise<Finished>;
}

export function start(command: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const proc = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<Finished>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, stdout: out, stderr: err }));
  });
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs to completion; a process still running after `timeoutMs` is killed and the run fails. */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15000): Promise<Finished> {
  const child = start(command, args, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void child.kill();
      reject(new Error(`${command} ${args.join(' ')} still running after ${timeoutMs} ms; stdout: ${child.stdout()} stderr: ${child.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
