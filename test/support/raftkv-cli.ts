// Runs the built `raftkv` command line (a subcommand, say) as its own process, for its exit
// code and output.
import { execFile } from 'node:child_process';
import { CLUSTER_WAIT_MS, RAFTKV_BIN } from '../../bench/harness/process-cluster.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function raftkvCli(args: string[], timeoutMs = CLUSTER_WAIT_MS): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RAFTKV_BIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
