// Telling a peer whose process died from a connection that merely broke. When a process dies
// (kill -9, a crash) the kernel closes its sockets and refuses new connections at once, so after
// an open connection breaks, the next dial answers the question: welcomed (or refused by the
// peer's own handshake) means it lives; failed, or unanswered within `boundMs`, means it is down.
// A paused or cut-off peer keeps its connections open and is never probed.

export class LossProbe {
  private pending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly boundMs: number,
    private readonly onDown: (reason: string) => void,
  ) {}

  /** The open connection broke: the next dial is the probe. */
  connectionLost(): void {
    this.pending = true;
  }

  /** A dial starts; if it is the probe, the peer has `boundMs` to answer it. */
  dialing(): void {
    if (!this.pending || this.timer) return;
    this.timer = setTimeout(() => this.down(`no answer to a redial within ${this.boundMs} ms`), this.boundMs);
  }

  /** The peer answered the dial (a welcome, or a refusal): its process lives. */
  answered(): void {
    this.settle();
  }

  /** The dial failed without an answer (refused by the kernel, reset, timed out). */
  dialFailed(reason: string): void {
    if (this.pending) this.down(reason);
  }

  /** The link stops, or redials for its own reasons: whatever was being probed no longer matters. */
  cancel(): void {
    this.settle();
  }

  private down(reason: string): void {
    this.settle();
    this.onDown(reason);
  }

  private settle(): void {
    this.pending = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
