// The chaos process, forked by the harness so that the hostile connections share an event loop
// with neither the load client nor the members: it runs one barrage until told to stop.
import { readFileSync } from 'node:fs';
import { clientHello } from '../harness/client-hello.js';
import { Barrage } from './barrage.js';
import type { ChaosPlan, FromChaos, ToChaos } from './protocol.js';

function send(message: FromChaos, then: () => void = () => {}): void {
  process.send!(message, then);
}

async function begin(plan: ChaosPlan): Promise<Barrage> {
  const material = { hello: await clientHello(), stranger: { cert: readFileSync(plan.stranger.cert), key: readFileSync(plan.stranger.key) } };
  const barrage = new Barrage(plan.targets, plan.perSecond, plan.maxOpen, material);
  barrage.start();
  return barrage;
}

// The harness gone means nobody wants the chaos any more.
process.on('disconnect', () => process.exit(0));

let barrage: Barrage | undefined;
process.on('message', (message: ToChaos) => {
  if (message.type === 'start') {
    begin(message.plan).then(
      (b) => ((barrage = b), send({ type: 'started' })),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }, () => process.exit(1)),
    );
  } else {
    send({ type: 'tally', tally: barrage!.stop() }, () => process.exit(0));
  }
});
