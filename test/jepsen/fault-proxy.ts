// A TCP proxy that sits on every peer link into one member and can cut, black-hole or delay the
// traffic from chosen members. Each member advertises the proxy's address as its peer URL and
// listens on the real port behind it, so every connection into member j goes through j's
// proxy. The dialer's Hello frame (the transport's handshake) names the member it comes from;
// the proxy decodes it to learn whose link a connection is, then forwards bytes untouched.
//
// Modes for the traffic from a source member (that source's connections into this member,
// both directions of each, since acknowledgements ride back on them):
//   pass      forward
//   drop      refuse: existing connections are reset, new ones closed after their Hello
//   blackhole accept and swallow everything: the dialer waits for answers that never come
//   delay     forward after `delayMs`
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { FrameDecoder } from '../../src/transport/frame-codec.js';

export type LinkMode = { kind: 'pass' } | { kind: 'drop' } | { kind: 'blackhole' } | { kind: 'delay'; delayMs: number };

interface Link {
  source: string;
  inbound: Socket;
  outbound: Socket | undefined;
  /** Bytes were swallowed: the stream is no longer whole, so it is reset when the fault ends. */
  broken: boolean;
  lines: DelayLine[];
}

/** Writes chunks to a socket in order, each no earlier than its release time. */
class DelayLine {
  private readonly queue: { at: number; chunk: Buffer }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly to: Socket) {}

  push(chunk: Buffer, delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.queue.length === 0 && delayMs <= 0) {
      if (!this.to.destroyed) this.to.write(chunk);
      return;
    }
    this.queue.push({ at: Math.max(at, this.queue.at(-1)?.at ?? 0), chunk });
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.at <= now) {
        const { chunk } = this.queue.shift()!;
        if (!this.to.destroyed) this.to.write(chunk);
      }
      this.schedule();
    }, Math.max(0, this.queue[0]!.at - Date.now()));
  }
}

export class FaultProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private readonly modes = new Map<string, LinkMode>();
  /** Connections seen per source member id, for checks that the proxy is really in the path. */
  readonly connectionsFrom = new Map<string, number>();

  constructor(
    readonly listenPort: number,
    readonly targetPort: number,
    readonly host = '127.0.0.1',
  ) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.listenPort, this.host, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const link of this.links) this.reset(link);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  mode(source: string): LinkMode {
    return this.modes.get(source) ?? { kind: 'pass' };
  }

  /** Sets how traffic from `source` (a member id) is treated; 'drop' resets its live connections. */
  setMode(source: string, mode: LinkMode): void {
    if (mode.kind === 'pass') this.modes.delete(source);
    else this.modes.set(source, mode);
    for (const link of this.links) if (link.source === source && (mode.kind === 'drop' || link.broken)) this.reset(link);
  }

  healAll(): void {
    for (const source of [...this.modes.keys()]) this.setMode(source, { kind: 'pass' });
  }

  private reset(link: Link): void {
    link.inbound.destroy();
    link.outbound?.destroy();
    for (const line of link.lines) line.stop();
    this.links.delete(link);
  }

  private accept(inbound: Socket): void {
    inbound.setNoDelay(true);
    inbound.on('error', () => {});
    const decoder = new FrameDecoder();
    const early: Buffer[] = [];
    const onHello = (chunk: Buffer): void => {
      early.push(chunk);
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch {
        inbound.destroy();
        return;
      }
      if (frames.length === 0) return;
      inbound.off('data', onHello);
      const hello = frames[0] as { from?: unknown };
      const source = typeof hello.from === 'string' ? hello.from : '';
      this.connectionsFrom.set(source, (this.connectionsFrom.get(source) ?? 0) + 1);
      this.open(inbound, source, Buffer.concat(early));
    };
    inbound.on('data', onHello);
  }

  private open(inbound: Socket, source: string, first: Buffer): void {
    const link: Link = { source, inbound, outbound: undefined, broken: false, lines: [] };
    this.links.add(link);
    inbound.on('close', () => this.reset(link));
    const mode = this.mode(source);
    if (mode.kind === 'drop') return this.reset(link);
    const outbound = connect(this.targetPort, this.host);
    link.outbound = outbound;
    outbound.setNoDelay(true);
    outbound.on('error', () => {});
    outbound.on('close', () => this.reset(link));
    const toTarget = new DelayLine(outbound);
    const toSource = new DelayLine(inbound);
    link.lines.push(toTarget, toSource);
    this.forward(link, first, toTarget);
    inbound.on('data', (chunk: Buffer) => this.forward(link, chunk, toTarget));
    outbound.on('data', (chunk: Buffer) => this.forward(link, chunk, toSource));
  }

  /** Applies the source's current mode to one chunk, in either direction of its connection. */
  private forward(link: Link, chunk: Buffer, line: DelayLine): void {
    const mode = this.mode(link.source);
    if (mode.kind === 'drop' || mode.kind === 'blackhole') {
      link.broken = true;
      return;
    }
    line.push(chunk, mode.kind === 'delay' ? mode.delayMs : 0);
  }
}
