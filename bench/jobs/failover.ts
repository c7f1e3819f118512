// Failover: writes at fixed concurrency, each client's to the members in turn, while the harness
// takes leaders down (kill -9, or SIGTERM) and brings them back. Every attempt is a POST of a
// value of its own into the client's directory, and a failed write is retried as a new attempt,
// so that a value found twice can only be one request applied twice. Each attempt is logged
// when answered (write-log.ts); once told to finish, the job reads every directory back.
import { closedLoop } from '../closed-loop.js';
import { checkStore, failuresByKind, faultFigures, summarize, type Attempt, type FaultFigures, type StoreCheck } from '../failover-figures.js';
import { sleep } from '../harness/wait.js';
import { errorKind, ok, V2Client, type V2Node } from '../load-client.js';
import type { Fault, Notes } from '../load-protocol.js';
import { valueOf } from '../payload.js';
import type { Job } from './job.js';
import { WriteLog } from './write-log.js';

export interface FailoverParams {
  endpoints: string[];
  concurrency: number;
  valueSize: number;
  prefix: string;
}

/** How long the read-back may keep failing (a member still settling after the last restart). */
const READ_BACK_MS = 60_000;
const ID_END = '|';

export const failoverJob: Job<FailoverParams> = async (p, { recorder, onMessage, report }) => {
  const n = p.endpoints.length;
  // A connection per client to every member: clients go round the members, and a write queued in
  // the client behind one the server holds would measure the client, not the cluster.
  const client = new V2Client(p.endpoints, p.concurrency);
  const log = new WriteLog(p.concurrency);
  const faults: Fault[] = [];
  onMessage((message) => {
    if (message.type === 'fault') {
      const { fault } = message;
      faults.push(fault);
      log.whenResumed(fault, (at) => report({ type: 'resumed', fault: fault.index, at }));
    } else if (message.type === 'settle') {
      log.whenSettled(message.since, () => report({ type: 'settled', since: message.since }));
    }
  });
  const tries = new Array<number>(p.concurrency).fill(0);

  await closedLoop(recorder, p.concurrency, async (c) => {
    const attempt = tries[c]!++;
    const id = `c${c}-${attempt}`;
    const member = (c + attempt) % n;
    const sentAt = Date.now();
    try {
      const { term } = ok(await client.post(member, `${p.prefix}/c${c}`, { value: valueOf(id + ID_END, p.valueSize) }));
      log.add(c, { id, member, sentAt, answeredAt: Date.now(), term });
    } catch (err) {
      log.add(c, { id, member, sentAt, answeredAt: Date.now(), failure: errorKind(err) });
      throw err;
    }
  });

  const stored = await readBack(client, p.concurrency, p.prefix);
  await client.close();
  const figures = faults.map((f) => {
    const figure = faultFigures(log.attempts, f);
    if (!figure) throw new Error(`no write was acknowledged after fault ${f.index + 1}, yet the harness went on`);
    return figure;
  });
  const result = recorder.result();
  return {
    ...result,
    notes: failoverNotes(figures, checkStore(log.attempts, stored), log.attempts),
    events: faults.map((f) => ({ atSec: (f.at - result.measureStartedAt) / 1000, label: f.how === 'kill' ? 'kill -9 leader' : 'SIGTERM leader' })),
  };
};

function failoverNotes(figures: FaultFigures[], store: StoreCheck, attempts: Attempt[]): Notes {
  const s = summarize(figures);
  return {
    faults: s.faults,
    'gap ms median': s.medianGapMs,
    'gap ms max': s.maxGapMs,
    'gaps ms': figures.map((f) => f.gapMs).join('/'),
    'in flight at a fault': s.inFlight,
    'slowest of those ms': s.slowestInFlight ? s.slowestInFlight.answeredAt - s.slowestInFlight.sentAt : 0,
    'its answer': s.slowestInFlight ? `${s.slowestInFlight.failure ?? 'acknowledged'} from m${s.slowestInFlight.member + 1}` : 'none',
    'of those timed out': s.inFlightTimeouts,
    'acknowledged writes lost': store.lost,
    duplicates: store.duplicates,
    'failed but applied': store.failedButApplied,
    // From the log rather than the recorder: a write a fault left waiting may be answered after the measured window.
    errors: failuresByKind(attempts).map(([kind, count]) => `${kind} ×${count}`).join('; ') || 'none',
  };
}

/** How many times each attempt's value is stored, read linearizably, retried while the cluster settles. */
async function readBack(client: V2Client, clients: number, prefix: string): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  for (let c = 0; c < clients; c++) {
    for (const node of await readDir(client, c, `${prefix}/c${c}`)) {
      const id = (node.value ?? '').split(ID_END, 1)[0]!;
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
  }
  return copies;
}

async function readDir(client: V2Client, member: number, dir: string): Promise<V2Node[]> {
  const deadline = Date.now() + READ_BACK_MS;
  for (let attempt = member; ; attempt++) {
    try {
      const res = await client.get(attempt, dir, { recursive: 'true', quorum: 'true' });
      if (res.status === 404) return []; // the client never got a write in
      return ok(res).body.node!.nodes ?? [];
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`reading back ${dir}: ${errorKind(err)}`);
      await sleep(200);
    }
  }
}
