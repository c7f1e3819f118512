// `raftkv <subcommand> …`: tools beside the server (etcd's flags never start without a dash, so a
// first word names one unambiguously). Each module's run(args) resolves to the exit code.
type Subcommand = () => Promise<{ run(args: string[]): Promise<number> }>;

export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  snapshot: () => import('./snapshot-command.js'),
  backup: () => import('./backup-command.js'),
  migrate: () => import('./migrate.js'),
};

export function subcommandOf(args: readonly string[]): Subcommand | undefined {
  const first = args[0];
  return first !== undefined && Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
}
