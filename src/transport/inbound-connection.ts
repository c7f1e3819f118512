// The listening half: one accepted connection. It must open with a Hello that names this member
// and its cluster; then it is either a stream of raft messages (and snapshots) from a peer, or
// a one-shot request. Bad bytes close this connection and nothing else.
import type { Socket } from 'node:net';
import type { Message } from '../../raft/index.js';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES } from './frame-codec.js';
import type { PinoLikeLogger } from './logger.js';
import { SnapshotAssembler } from './snapshot-assembler.js';
import { parseFrame, PROTOCOL_VERSION, REMOVED_MEMBER_REFUSAL } from './wire.js';
import type { Frame, Hello, Req, Resp } from './wire.js';

export interface InboundHost {
  identity(): { memberId: string; clusterId: string };
  /** Whether a member id was removed from the cluster: it is refused, whatever it says. */
  isRemoved(memberId: string): boolean;
  logger: PinoLikeLogger;
  handshakeTimeoutMs: number;
  maxSnapshotBytes: number;
  onMessages(msgs: Message[]): void;
  onRequest(kind: string, body: unknown, fromMemberId: string): Promise<unknown>;
  /** A peer's stream is up; the host closes any older stream from the same member (it is a leftover). */
  onStreamOpened(from: string, socket: Socket): void;
  onReceived(from: string, messages: number, bytes: number): void;
  /** True the first time a refusal for this key is seen, so repeated redials log once. */
  firstRefusal(key: string): boolean;
}

const KEEPALIVE_DELAY_MS = 5000;
/** A hello is a few dozen bytes: more, from a connection nobody has vouched for yet, is refused. */
export const MAX_HELLO_BYTES = 64 * 1024;

/** Why a Hello is refused, or undefined when it is welcome. */
export function refusalReason(hello: Hello, self: { memberId: string; clusterId: string }): string | undefined {
  if (hello.v !== PROTOCOL_VERSION) return `protocol version ${hello.v} is not supported (want ${PROTOCOL_VERSION})`;
  // A request may come from a member that does not know the cluster id or our id yet.
  const lenient = hello.purpose === 'request';
  if (hello.clusterId !== self.clusterId && !(lenient && (hello.clusterId === '' || self.clusterId === ''))) {
    return `cluster ID mismatch: local ${self.clusterId || '(unknown)'}, remote ${hello.clusterId || '(unknown)'}`;
  }
  if (hello.to !== self.memberId && !(lenient && hello.to === '')) {
    return `member ${hello.to} is not this member (${self.memberId})`;
  }
  return undefined;
}

export class InboundConnection {
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES, MAX_HELLO_BYTES);
  private role: 'hello' | 'stream' | 'request' | 'answered' = 'hello';
  private from = '';
  private assembler: SnapshotAssembler | undefined;
  private readonly helloDeadline: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly host: InboundHost,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    // A deadline, not an idle timeout: a dialer trickling a byte at a time cannot hold the connection.
    this.helloDeadline = setTimeout(() => socket.destroy(), host.handshakeTimeoutMs);
    socket.on('close', () => clearTimeout(this.helloDeadline));
    socket.on('error', () => {}); // a peer resetting the connection is routine; 'close' follows
    socket.on('data', (bytes: Buffer) => this.onData(bytes));
  }

  private onData(bytes: Buffer): void {
    try {
      for (const value of this.decoder.push(bytes)) {
        if (this.socket.destroyed) return;
        this.onFrame(parseFrame(value));
      }
      if (this.role === 'stream') this.host.onReceived(this.from, 0, bytes.length);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.host.logger.warn(
        { remote: `${this.socket.remoteAddress}:${this.socket.remotePort}`, from: this.from || undefined, err: err.message },
        'dropping peer connection after a bad frame',
      );
      this.socket.destroy();
    }
  }

  private onFrame(frame: Frame): void {
    switch (this.role) {
      case 'hello':
        if (frame.t !== 'hello') throw new FrameError(`expected hello, got ${frame.t}`);
        return this.onHello(frame);
      case 'stream':
        return this.onStreamFrame(frame);
      case 'request':
        if (frame.t !== 'req') throw new FrameError(`expected req, got ${frame.t}`);
        return void this.answer(frame);
      case 'answered':
        throw new FrameError(`unexpected ${frame.t} after a request`);
    }
  }

  private onHello(hello: Hello): void {
    const reason = this.host.isRemoved(hello.from) ? REMOVED_MEMBER_REFUSAL : refusalReason(hello, this.host.identity());
    if (reason) {
      if (this.host.firstRefusal(`${hello.from}|${reason}`)) {
        this.host.logger.warn({ from: hello.from, remote: this.socket.remoteAddress, reason }, 'refused peer connection');
      }
      this.socket.end(encodeFrame({ t: 'refuse', reason }));
      this.role = 'answered';
      return;
    }
    clearTimeout(this.helloDeadline);
    this.from = hello.from;
    this.role = hello.purpose;
    this.socket.write(encodeFrame({ t: 'welcome' }));
    if (hello.purpose === 'stream') this.host.onStreamOpened(hello.from, this.socket);
  }

  private onStreamFrame(frame: Frame): void {
    switch (frame.t) {
      case 'msgs':
        this.host.onReceived(this.from, frame.msgs.length, 0);
        this.host.onMessages(frame.msgs);
        return;
      case 'snap': {
        this.assembler ??= new SnapshotAssembler(this.host.maxSnapshotBytes);
        const snap = this.assembler.begin(frame);
        if (snap) this.deliverSnapshot(frame.sid, 0, snap);
        return;
      }
      case 'chunk': {
        if (!this.assembler) throw new FrameError('snapshot chunk before its header');
        const { received, snap } = this.assembler.add(frame);
        if (snap) this.deliverSnapshot(frame.sid, received, snap);
        else this.socket.write(encodeFrame({ t: 'snap-ack', sid: frame.sid, received }));
        return;
      }
      default:
        throw new FrameError(`unexpected ${frame.t} on a peer stream`);
    }
  }

  /** The final acknowledgement follows delivery, so the sender's "ok" means raft has the snapshot. */
  private deliverSnapshot(sid: number, received: number, snap: Message): void {
    this.host.logger.info({ from: this.from, bytes: received, index: snap.snapshot!.metadata.index }, 'received snapshot');
    this.host.onReceived(this.from, 1, 0);
    this.host.onMessages([snap]);
    this.socket.write(encodeFrame({ t: 'snap-ack', sid, received }));
  }

  private async answer(req: Req): Promise<void> {
    this.role = 'answered';
    let resp: Resp;
    try {
      resp = { t: 'resp', ok: true, body: await this.host.onRequest(req.kind, req.body, this.from) };
    } catch (err) {
      resp = { t: 'resp', ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (this.socket.destroyed) return;
    try {
      this.socket.end(encodeFrame(resp));
    } catch (err) {
      this.socket.end(encodeFrame({ t: 'resp', ok: false, error: `unencodable response: ${(err as Error).message}` }));
    }
  }
}
