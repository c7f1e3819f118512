#!/usr/bin/env node
// `npm start`: a local development cluster of three raftkv members (infra1..infra3) on etcd's
// Procfile ports, each a child process running bin/raftkv with its flags, data in ./infraN.raftkv.
// Ctrl-C or SIGTERM stops every member with SIGTERM and exits 0 once they are all gone.
//   node dist/bin/local-cluster.js [--members N]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MAX_LOCAL_MEMBERS, planLocalCluster } from './local-cluster-plan.js';
import { Supervisor } from './supervisor.js';

const RAFTKV = fileURLToPath(new URL('./raftkv.js', import.meta.url));

/** The members' configuration is their command line: inherited ETCD_* variables would clash with it. */
function memberEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_')));
}

function main(): void {
  const { values } = parseArgs({ options: { members: { type: 'string', default: '3' } } });
  const members = planLocalCluster(Number(values.members));
  const supervisor = new Supervisor(
    members.map((m) => ({
      name: m.name,
      spawn: () => spawn(process.execPath, [RAFTKV, ...m.args], { stdio: ['ignore', 'pipe', 'pipe'], env: memberEnv() }),
    })),
    process.stdout,
    { color: process.stdout.isTTY === true, onAllExited: () => process.exit(1) },
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping every member\n');
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const m of members) process.stdout.write(`${m.name}: clients ${m.clientUrl}, peers ${m.peerUrl}, data ./${m.dataDir}\n`);
  supervisor.start();
}

try {
  main();
} catch (err) {
  process.stderr.write(`local-cluster: ${err instanceof Error ? err.message : String(err)} (use --members 1..${MAX_LOCAL_MEMBERS})\n`);
  process.exitCode = 2;
}
