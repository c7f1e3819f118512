// Runs a subcommand's commander program and turns its end into an exit code, as etcdctl ends:
// usage errors as commander reports them (exit 1, 0 for --help), a failed action as
// "Error: <message>" on stderr and exit 1, with nothing half-written left behind by the action.
import { CommanderError } from 'commander';
import type { Command } from 'commander';

export async function runProgram(program: Command, args: string[]): Promise<number> {
  program.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
