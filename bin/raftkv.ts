#!/usr/bin/env node
// `raftkv`: runs one member (or, with --proxy on|readonly, a v2 proxy), configured with etcd's
// flags and ETCD_* variables, so unit files and scripts written for etcd start it unchanged. Exit
// codes are etcd's: 2 for a malformed command line, 1 for a configuration etcd would refuse or a
// failure to start, 0 for --help and --version. `raftkv snapshot …`, `raftkv backup …` and
// `raftkv migrate …` are tools, not a member (subcommands.ts).
import { parseArgs } from './flags.js';
import { subcommandOf } from './subcommands.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const subcommand = subcommandOf(args);
  if (subcommand) {
    process.exitCode = await (await subcommand()).run(args.slice(1));
    return;
  }
  const outcome = parseArgs(args, process.env);
  if (outcome.kind === 'help' || outcome.kind === 'version') {
    process.stdout.write(outcome.text);
    return;
  }
  for (const notice of outcome.notices) process.stderr.write(`raftkv: ${notice}\n`);
  if (outcome.kind === 'error') {
    process.stderr.write(`${outcome.message}\n`);
    process.exitCode = outcome.exitCode;
    return;
  }
  try {
    if (outcome.config.proxy.mode === 'off') await (await import('./serve.js')).serve(outcome.config);
    else await (await import('./serve-proxy.js')).serveProxy(outcome.config);
  } catch (err) {
    process.stderr.write(`raftkv: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

await main();
