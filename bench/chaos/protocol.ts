// Messages between the harness and the chaos process (child_process IPC).
import type { CertFiles } from '../harness/certs.js';

export interface ChaosPlan {
  /** Every port to attack, as URLs (https client and peer URLs). */
  targets: string[];
  /** New hostile connections per second, over all targets together. */
  perSecond: number;
  /** Hostile connections open at once at most: the oldest is closed to make room. */
  maxOpen: number;
  /** The certificate of the wrong-cert connections. */
  stranger: CertFiles;
}

export interface ChaosTally {
  seconds: number;
  opened: number;
  /** Closed by the member (refused, timed out, reset) before the barrage gave up on them. */
  closedByMember: number;
  /** Closed by the barrage to stay within maxOpen. */
  evicted: number;
  /** The most open at once. */
  peakOpen: number;
  /** Socket errors by code: ECONNREFUSED would mean a port stopped accepting. */
  errors: Record<string, number>;
}

export type ToChaos = { type: 'start'; plan: ChaosPlan } | { type: 'stop' };

export type FromChaos = { type: 'started' } | { type: 'tally'; tally: ChaosTally } | { type: 'error'; message: string };
