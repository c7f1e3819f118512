// The raftkv side of `raftkv migrate`: each step POSTed to /raftkv/v1/migrate, asked again while
// the cluster cannot answer (no leader, a proposal that timed out: every step is safe to commit
// twice), and stopped on a refusal.
import { setTimeout as sleep } from 'node:timers/promises';
import { MIGRATE_PATH } from '../api/migrate-route.js';
import type { MigrateOp } from '../src/server/member-service.js';
import type { Cluster } from './migrate-http.js';
import { errorBody } from './migrate-http.js';

const RETRY_MS = 60_000;
const RETRY_PAUSE_MS = 500;

/** What raftkv refused: the migration cannot go on. */
export class Refused extends Error {}

type Step = MigrateOp extends infer T ? (T extends MigrateOp ? Omit<T, 'session'> : never) : never;

export class Target {
  constructor(
    private readonly cluster: Cluster,
    readonly session: string,
  ) {}

  /** Runs one step of this session; resolves with raftkv's store index after it. */
  async step(step: Step): Promise<number> {
    const body = JSON.stringify({ ...step, session: this.session });
    const deadline = Date.now() + RETRY_MS;
    for (;;) {
      const answer = await this.cluster.request(MIGRATE_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (answer.status === 200) return (JSON.parse(answer.text) as { index: number }).index;
      const err = errorBody(answer.text);
      const why = err === undefined ? `${answer.status} ${answer.text}` : `${err.message}${err.cause ? `: ${err.cause}` : ''}`;
      const retriable = answer.status >= 500 && !err?.cause?.startsWith('raftkv migrate:');
      if (!retriable || Date.now() > deadline) throw new Refused(`raftkv answered ${step.op}: ${why}`);
      await sleep(RETRY_PAUSE_MS);
    }
  }
}
