// The failover job's log of write attempts, in the order they were answered, and the two moments
// the harness waits for: the next leader's first acknowledged write after a fault, and every
// client having had an answer to a write sent after a given time (none still stuck in an
// earlier one).
import { resumes, type Attempt } from '../failover-figures.js';
import type { Fault } from '../load-protocol.js';

interface Wait {
  /** True once it has called back. */
  check(latest: Attempt | undefined): boolean;
}

export class WriteLog {
  readonly attempts: Attempt[] = [];
  /** Per client, when the latest write it had answered was sent. */
  private readonly answeredSentAt: number[];
  private waits: Wait[] = [];

  constructor(clients: number) {
    this.answeredSentAt = new Array<number>(clients).fill(0);
  }

  add(client: number, attempt: Attempt): void {
    this.attempts.push(attempt);
    this.answeredSentAt[client] = attempt.sentAt;
    this.waits = this.waits.filter((w) => !w.check(attempt));
  }

  /** Calls `then` with the answer time of the first write the leader after `fault` acknowledged. */
  whenResumed(fault: Fault, then: (at: number) => void): void {
    const earlier = this.attempts.find((a) => resumes(a, fault));
    if (earlier) return then(earlier.answeredAt);
    this.wait((latest) => {
      if (latest === undefined || !resumes(latest, fault)) return false;
      then(latest.answeredAt);
      return true;
    });
  }

  /** Calls `then` once every client has had an answer to a write it sent at or after `since`. */
  whenSettled(since: number, then: () => void): void {
    this.wait(() => {
      if (!this.answeredSentAt.every((t) => t >= since)) return false;
      then();
      return true;
    });
  }

  private wait(check: Wait['check']): void {
    if (!check(undefined)) this.waits.push({ check });
  }
}
