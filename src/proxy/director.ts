// Which members a v2 proxy forwards to: etcd's httpproxy director. Every refresh asks the cluster
// for its client URLs and starts them all afresh as available, in a random order (so proxies do
// not all lean on one member); a member that fails a request is left out for the failure wait,
// then tried again. Time, randomness and the cluster are seams, so all of it runs under a test clock.
import type { Clock, Random, Timer } from '../server/seams.js';

/** etcd's defaultRefreshInterval: from this interval up, an empty list is retried every second. */
const LONG_REFRESH_MS = 30_000;
const EMPTY_RETRY_MS = 1_000;

export interface Endpoint {
  readonly url: string;
  available: boolean;
}

export interface DirectorLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface DirectorOptions {
  clock: Clock;
  random: Random;
  /** The client URLs of the cluster now; empty when it cannot be reached. */
  clientUrls(): Promise<string[]>;
  failureWaitMs: number;
  refreshIntervalMs: number;
  log: DirectorLog;
}

export class Director {
  private endpoints: Endpoint[] = [];
  private timer: Timer | undefined;
  private stopped = false;
  private announced = false;

  constructor(private readonly opts: DirectorOptions) {}

  /** The first refresh, then one every refresh interval until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.opts.clock.clearTimer(this.timer);
  }

  /** The members to try for one request, in order. */
  available(): Endpoint[] {
    return this.endpoints.filter((e) => e.available);
  }

  /** A request could not be sent to `endpoint`: skip it until the failure wait has passed. */
  failed(endpoint: Endpoint): void {
    if (!endpoint.available) return;
    endpoint.available = false;
    this.opts.log.warn(`marked endpoint ${endpoint.url} unavailable`);
    this.opts.clock.setTimeout(() => {
      endpoint.available = true;
      this.opts.log.info(`marked endpoint ${endpoint.url} available, to retest connectivity`);
    }, this.opts.failureWaitMs);
  }

  async refresh(): Promise<void> {
    const urls = await this.opts.clientUrls();
    const fresh = urls.map((url) => ({ url, available: true }));
    // Fisher–Yates, as etcd shuffles.
    for (let i = fresh.length - 1; i > 0; i--) {
      const j = Math.floor(this.opts.random() * (i + 1));
      [fresh[i], fresh[j]] = [fresh[j], fresh[i]];
    }
    this.endpoints = fresh;
  }

  private schedule(): void {
    if (this.stopped) return;
    const found = this.available();
    if (found.length > 0 && !this.announced) {
      this.announced = true;
      this.opts.log.info(`endpoints found ${JSON.stringify(found.map((e) => e.url))}`);
    }
    const long = this.opts.refreshIntervalMs >= LONG_REFRESH_MS;
    const wait = long && found.length === 0 ? EMPTY_RETRY_MS : this.opts.refreshIntervalMs;
    this.timer = this.opts.clock.setTimeout(() => {
      void this.refresh().then(() => this.schedule());
    }, wait);
  }
}
