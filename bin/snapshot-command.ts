// `raftkv snapshot save|status|restore`, with etcdctl 3.4's flag names (and its ETCDCTL_* variables
// for the connection flags), so a runbook written for etcdctl snapshot reads the same here.
import { Command, Option } from 'commander';
import { runProgram } from './command-runner.js';
import { saveSnapshot } from './snapshot-save.js';
import { formatStatus, snapshotStatus } from './snapshot-status.js';
import { restoreSnapshot } from './snapshot-restore.js';

/** A connection flag that etcdctl also reads from ETCDCTL_<NAME>. */
const connection = (flags: string, about: string, env: string): Option => new Option(flags, about).env(`ETCDCTL_${env}`);

export function snapshotProgram(): Command {
  const program = new Command('raftkv snapshot').description('Manages raftkv node snapshots (backup files)');
  program
    .command('save')
    .description('Stores a snapshot of the cluster, taken at a linearizable read point, in <file>')
    .argument('<file>')
    .addOption(connection('--endpoints <url>', 'the one member to ask', 'ENDPOINTS').default('127.0.0.1:2379'))
    .addOption(connection('--cacert <file>', 'verify the server with this CA bundle', 'CACERT'))
    .addOption(connection('--cert <file>', 'client certificate', 'CERT'))
    .addOption(connection('--key <file>', 'client key', 'KEY'))
    .addOption(connection('--insecure-skip-tls-verify', 'skip server certificate verification', 'INSECURE_SKIP_TLS_VERIFY'))
    .addOption(connection('--user <name[:password]>', 'v2 auth user (root, when auth is on)', 'USER'))
    .addOption(connection('--password <password>', 'password of --user', 'PASSWORD'))
    .addOption(new Option('--idle-timeout <ms>', 'give up when the member sends nothing for this long').default(60_000).argParser(Number))
    .action(async (file: string, o: Record<string, string | boolean | number | undefined>) => {
      const endpoints = String(o.endpoints).split(',');
      if (endpoints.length !== 1) throw new Error(`snapshot must be requested to one selected node, not multiple [${endpoints.join(' ')}]`);
      await saveSnapshot({
        file,
        endpoint: endpoints[0]!,
        cacert: o.cacert as string | undefined,
        cert: o.cert as string | undefined,
        key: o.key as string | undefined,
        insecureSkipTlsVerify: o.insecureSkipTlsVerify === true,
        user: o.user as string | undefined,
        password: o.password as string | undefined,
        idleTimeoutMs: o.idleTimeout as number,
      });
      process.stdout.write(`Snapshot saved at ${file}\n`);
    });
  program
    .command('status')
    .description('Checks <file> whole and prints what it holds')
    .argument('<file>')
    .addOption(new Option('-w, --write-out <format>', 'simple, table or json').default('simple'))
    .action(async (file: string, o: { writeOut: string }) => {
      process.stdout.write(formatStatus(await snapshotStatus(file), o.writeOut));
    });
  program
    .command('restore')
    .description("Seeds a new member's data dir from <file> (every member of the new cluster from the same file)")
    .argument('<file>')
    .option('--data-dir <dir>', 'the data dir to create (default: <name>.etcd); it must not exist or be empty')
    .option('--name <name>', 'this member, as --initial-cluster names it', 'default')
    .option('--initial-cluster <members>', 'the new cluster', 'default=http://localhost:2380')
    .option('--initial-cluster-token <token>', 'the new cluster token', 'etcd-cluster')
    .option('--initial-advertise-peer-urls <urls>', "this member's peer URLs", 'http://localhost:2380')
    .action(async (file: string, o: { dataDir?: string; name: string; initialCluster: string; initialClusterToken: string; initialAdvertisePeerUrls: string }) => {
      process.stdout.write(`${await restoreSnapshot({ file, ...o, dataDir: o.dataDir ?? `${o.name}.etcd` })}\n`);
    });
  return program;
}

export function run(args: string[]): Promise<number> {
  return runProgram(snapshotProgram(), args);
}
