// `raftkv backup --data-dir <stopped member's dir> --backup-dir <new dir>`, etcdctl backup's flags.
import { Command } from 'commander';
import { backupMember } from './offline-backup.js';
import { runProgram } from './command-runner.js';

export function run(args: string[]): Promise<number> {
  const program = new Command('raftkv backup')
    .description("Copies a stopped member's data dir into a new one, to start with --force-new-cluster")
    .requiredOption('--data-dir <dir>', "the stopped member's data dir")
    .requiredOption('--backup-dir <dir>', 'where to write the copy; it must not exist or be empty')
    .action(async (o: { dataDir: string; backupDir: string }) => {
      const warn = (message: string): boolean => process.stderr.write(`raftkv backup: ${message}\n`);
      process.stdout.write(`${await backupMember({ ...o, warn })}\n`);
    });
  return runProgram(program, args);
}
