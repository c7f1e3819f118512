// The harness side of the chaos: forks the chaos process, starts its barrage, and on stop returns
// what became of the hostile connections.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { trackChild } from '../harness/child-registry.js';
import type { ChaosPlan, ChaosTally, FromChaos, ToChaos } from './protocol.js';

const WORKER = resolve(import.meta.dirname, 'worker.js');

export interface Chaos {
  stop(): Promise<ChaosTally>;
}

/** Resolves once the barrage is under way. */
export function startChaos(plan: ChaosPlan): Promise<Chaos> {
  const worker = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  trackChild(worker);
  const send = (message: ToChaos): void => void worker.send(message);
  const started = new Promise<void>((resolveStarted, failed) => {
    worker.once('exit', (code, signal) => failed(new Error(`chaos process exited (${signal ?? code})`)));
    worker.on('message', (m: FromChaos) => m.type === 'error' && failed(new Error(`chaos process failed: ${m.message}`)));
    worker.once('message', (m: FromChaos) => m.type === 'started' && resolveStarted());
  });
  const tally = new Promise<ChaosTally>((done, failed) => {
    worker.once('exit', (code, signal) => failed(new Error(`chaos process exited (${signal ?? code}) without a tally`)));
    worker.on('message', (m: FromChaos) => m.type === 'tally' && done(m.tally));
  });
  tally.catch(() => {}); // awaited by stop(); a failure before then surfaces through `started`
  send({ type: 'start', plan });
  return started.then(() => ({
    stop: () => {
      send({ type: 'stop' });
      return tally;
    },
  }));
}
