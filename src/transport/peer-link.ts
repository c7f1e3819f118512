// The outbound half of the conversation with one peer: a long-lived connection that carries this
// member's messages to it, redialed with backoff when it fails. Sends never wait on the peer:
// they go into a bounded queue that is written out once per event-loop turn as one frame.
// When an open connection breaks, the redial also tells whether the peer's process is gone (LossProbe).
import type { Socket } from 'node:net';
import { MessageType } from '../../raft/index.js';
import type { Message } from '../../raft/index.js';
import { Backoff } from './backoff.js';
import { encodeFrame, FrameDecoder, FrameError } from './frame-codec.js';
import type { TransportLimits } from './limits.js';
import type { PinoLikeLogger } from './logger.js';
import { LossProbe } from './loss-probe.js';
import { OutboundQueue } from './outbound-queue.js';
import type { PeerStats } from './peer-stats.js';
import { parsePeerUrl, sameAddress } from './peer-url.js';
import type { PeerAddress } from './peer-url.js';
import { dialPeer } from './secure-socket.js';
import type { PeerTls } from './secure-socket.js';
import { SnapshotStream } from './snapshot-stream.js';
import { parseFrame, PROTOCOL_VERSION } from './wire.js';
import type { Frame, Hello } from './wire.js';

export interface LinkEvents {
  onUnreachable(peerId: string): void;
  /** The open connection closed and the redial failed or went unanswered: the peer's process is likely gone. */
  onPeerDown(peerId: string): void;
  onSnapshotStatus(peerId: string, ok: boolean): void;
  onActive(peerId: string, active: boolean): void;
  /** The peer refused the handshake, saying why. */
  onRefused(peerId: string, reason: string): void;
}

export interface PeerLinkOptions {
  peerId: string;
  urls: string[];
  /** Read on every dial: a joining member learns its cluster id after the links exist. */
  identity(): { memberId: string; clusterId: string };
  limits: TransportLimits;
  /** For https peer URLs; read on every dial, so a rotated certificate is used from the next one. */
  tls?: PeerTls;
  logger: PinoLikeLogger;
  stats: PeerStats;
  events: LinkEvents;
}

// connecting: dialing or awaiting the welcome, sends queue up; open: sends flow;
// backoff: the last attempt failed, sends are dropped until the next dial; closed: for good.
type LinkState = 'connecting' | 'open' | 'backoff' | 'closed';

const KEEPALIVE_DELAY_MS = 5000;

export class PeerLink {
  private state: LinkState = 'connecting';
  private socket: Socket | undefined;
  private addresses: PeerAddress[] = [];
  private nextAddress = 0;
  private readonly queue: OutboundQueue;
  private readonly backoff: Backoff;
  private readonly lossProbe: LossProbe;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;
  private awaitingDrain = false;
  private pendingSnapshot: Message | undefined;
  private snapshot: SnapshotStream | undefined;
  private nextSid = 1;
  private failStreak = 0;
  private lastRefusal = '';
  private readonly log: PinoLikeLogger;

  constructor(private readonly opts: PeerLinkOptions) {
    const { limits } = opts;
    this.queue = new OutboundQueue({ maxMessages: limits.maxQueuedMessages, maxBytes: limits.maxQueuedBytes });
    this.backoff = new Backoff(limits.reconnectMinMs, limits.reconnectMaxMs);
    this.lossProbe = new LossProbe(limits.lossProbeMs, (reason) => this.peerDown(reason));
    this.log = opts.logger;
    this.setAddresses(opts.urls);
    this.dial();
  }

  private get peerId(): string {
    return this.opts.peerId;
  }

  /**
   * Queues messages for the peer, written at the end of this event-loop turn with whatever else
   * is queued, or at once with `flushNow`; drops them (reporting the peer unreachable) while it is
   * known to be down.
   */
  enqueue(msgs: Message[], flushNow = false): void {
    if (this.state === 'closed') return;
    const stats = this.opts.stats;
    if (this.state === 'backoff') {
      for (const m of msgs) if (m.type === MessageType.Snap) this.snapshotFailed('peer unreachable');
      stats.messagesDropped += msgs.length;
      this.opts.events.onUnreachable(this.peerId);
      return;
    }
    const plain: Message[] = [];
    for (const m of msgs) {
      if (m.type !== MessageType.Snap) plain.push(m);
      else this.queueSnapshot(m);
    }
    stats.messagesDropped += this.queue.push(plain);
    if (!flushNow) return this.scheduleFlush();
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    this.flush();
  }

  /** Points the link at new URLs, redialing unless the current connection goes to one of them. */
  updateUrls(urls: string[]): void {
    const current = this.state === 'backoff' ? undefined : this.addresses[this.lastDialedIndex()];
    this.setAddresses(urls);
    const kept = current ? this.addresses.findIndex((a) => sameAddress(a, current)) : -1;
    if (kept >= 0) {
      this.nextAddress = (kept + 1) % this.addresses.length;
      return;
    }
    this.nextAddress = 0;
    this.restart('peer URLs changed');
  }

  /** Closes the connection for good; pending sends are dropped without callbacks. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    this.lossProbe.cancel();
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.snapshot?.abort('link closed');
    this.pendingSnapshot = undefined;
    this.queue.takeAll();
    this.opts.stats.active = false;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private setAddresses(urls: string[]): void {
    this.addresses = [];
    for (const url of urls) {
      try {
        this.addresses.push(parsePeerUrl(url));
      } catch (err) {
        this.log.warn({ peer: this.peerId, url, err: (err as Error).message }, 'ignoring unusable peer URL');
      }
    }
  }

  private lastDialedIndex(): number {
    return (this.nextAddress + this.addresses.length - 1) % Math.max(1, this.addresses.length);
  }

  private dial(): void {
    this.retryTimer = undefined;
    this.state = 'connecting';
    const address = this.addresses[this.nextAddress];
    if (!address) {
      this.failed(new Error('no usable peer URL'));
      return;
    }
    this.nextAddress = (this.nextAddress + 1) % this.addresses.length;
    // Events from a socket this link has since replaced are ignored.
    const mine = () => this.socket === socket;
    const socket = dialPeer(address, this.opts.tls, () => mine() && this.write(socket, encodeFrame(this.hello())));
    this.socket = socket;
    this.lossProbe.dialing();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    socket.setTimeout(this.opts.limits.handshakeTimeoutMs);
    const decoder = new FrameDecoder();
    socket.on('timeout', () => socket.destroy(new Error('handshake timed out')));
    socket.on('drain', () => mine() && this.onDrain());
    socket.on('data', (bytes: Buffer) => {
      if (!mine()) return;
      try {
        for (const value of decoder.push(bytes)) this.onFrame(parseFrame(value));
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        socket.destroy(err);
      }
    });
    let lastError: Error | undefined;
    socket.on('error', (err) => (lastError = err));
    socket.on('close', () => mine() && this.failed(lastError ?? new Error('connection closed by peer')));
  }

  private hello(): Hello {
    const { memberId, clusterId } = this.opts.identity();
    return { t: 'hello', v: PROTOCOL_VERSION, purpose: 'stream', clusterId, from: memberId, to: this.peerId };
  }

  private onFrame(frame: Frame): void {
    if (this.state === 'connecting') {
      if (frame.t === 'welcome') this.opened();
      else if (frame.t === 'refuse') this.refused(frame.reason);
      else throw new FrameError(`unexpected ${frame.t} before welcome`);
      return;
    }
    if (frame.t !== 'snap-ack') throw new FrameError(`unexpected ${frame.t} on an outbound stream`);
    if (this.snapshot?.sid === frame.sid) this.snapshot.onAck(frame.received);
  }

  private opened(): void {
    this.state = 'open';
    this.lossProbe.answered();
    this.socket!.setTimeout(0);
    this.backoff.reset();
    this.failStreak = 0;
    this.lastRefusal = '';
    const stats = this.opts.stats;
    stats.active = true;
    stats.activeSince = new Date();
    this.log.info({ peer: this.peerId }, 'peer connection established');
    this.opts.events.onActive(this.peerId, true);
    this.scheduleFlush();
  }

  private refused(reason: string): void {
    this.lossProbe.answered();
    if (reason !== this.lastRefusal) {
      this.log.warn({ peer: this.peerId, reason }, 'peer refused the connection');
      this.lastRefusal = reason;
    }
    this.opts.events.onRefused(this.peerId, reason);
    this.socket!.destroy(new Error(`refused: ${reason}`));
  }

  /** The dial, the handshake or an open connection failed: drop what was pending and retry later. */
  private failed(err: Error): void {
    const wasOpen = this.state === 'open';
    this.socket = undefined;
    this.awaitingDrain = false;
    this.state = 'backoff';
    const stats = this.opts.stats;
    stats.connectionFailures++;
    stats.messagesDropped += this.queue.takeAll().length;
    this.snapshot?.abort(err.message);
    if (this.pendingSnapshot) this.snapshotFailed(err.message);
    this.failStreak++;
    if (wasOpen) {
      stats.active = false;
      this.log.warn({ peer: this.peerId, err: err.message }, 'peer connection lost');
      this.opts.events.onActive(this.peerId, false);
      this.lossProbe.connectionLost();
    } else {
      if (this.failStreak === 1) this.log.warn({ peer: this.peerId, err: err.message }, 'cannot reach peer; retrying with backoff');
      this.lossProbe.dialFailed(err.message);
    }
    this.opts.events.onUnreachable(this.peerId);
    this.retryTimer = setTimeout(() => this.dial(), this.backoff.next());
  }

  /** The peer has just dialed this member, so it is up: a link waiting out its backoff dials now. */
  peerDialedIn(): void {
    if (this.state !== 'backoff') return;
    clearTimeout(this.retryTimer);
    this.backoff.reset();
    this.dial();
  }

  /** Drops the current connection (not a failure of the peer) and dials again at once. */
  private restart(reason: string): void {
    if (this.state === 'closed') return;
    clearTimeout(this.retryTimer);
    this.lossProbe.cancel();
    const socket = this.socket;
    this.socket = undefined;
    if (this.state === 'open') {
      this.opts.stats.active = false;
      this.opts.events.onActive(this.peerId, false);
    }
    this.snapshot?.abort(reason);
    socket?.destroy();
    this.awaitingDrain = false;
    this.backoff.reset();
    this.dial();
  }

  private peerDown(reason: string): void {
    this.log.warn({ peer: this.peerId, reason }, 'peer lost: its connection closed and a redial failed');
    this.opts.events.onPeerDown(this.peerId);
  }

  private scheduleFlush(): void {
    this.flushScheduled ??= setImmediate(() => {
      this.flushScheduled = undefined;
      this.flush();
    });
  }

  private onDrain(): void {
    this.awaitingDrain = false;
    this.flush();
  }

  /** Writes everything queued as one frame, unless the peer is not keeping up with what was written before. */
  private flush(): void {
    const socket = this.socket;
    if (this.state !== 'open' || !socket || this.awaitingDrain) return;
    if (socket.writableLength > this.opts.limits.maxSocketBufferBytes) {
      this.awaitingDrain = true;
      return;
    }
    const msgs = this.queue.takeAll();
    if (msgs.length > 0) this.writeMessages(socket, msgs);
    this.startSnapshot();
  }

  private writeMessages(socket: Socket, msgs: Message[]): void {
    const stats = this.opts.stats;
    let frame: Buffer;
    try {
      frame = encodeFrame({ t: 'msgs', msgs });
    } catch (err) {
      // Only a single message larger than the frame limit gets here: the queue's byte bound keeps batches under it.
      this.log.warn({ peer: this.peerId, err: (err as Error).message, count: msgs.length }, 'dropping messages too large to send');
      stats.messagesDropped += msgs.length;
      return;
    }
    this.write(socket, frame);
    stats.messagesSent += msgs.length;
    stats.framesSent++;
  }

  private write(socket: Socket, frame: Buffer): void {
    socket.write(frame);
    this.opts.stats.bytesSent += frame.length;
  }

  private queueSnapshot(msg: Message): void {
    if (!msg.snapshot) throw new Error(`Snap message to ${msg.to} carries no snapshot`);
    // Raft sends one snapshot at a time; a newer one supersedes a pending older one.
    if (this.pendingSnapshot) this.snapshotFailed('superseded by a newer snapshot');
    this.pendingSnapshot = msg;
  }

  private startSnapshot(): void {
    const msg = this.pendingSnapshot;
    const socket = this.socket;
    if (!msg || this.snapshot || !socket || this.state !== 'open') return;
    this.pendingSnapshot = undefined;
    const stream: SnapshotStream = new SnapshotStream(
      this.nextSid++,
      msg,
      {
        write: (frame) => this.write(socket, frame),
        finished: (ok, reason) => this.snapshotFinished(stream, ok, reason),
      },
      this.opts.limits,
    );
    this.snapshot = stream;
    stream.start();
  }

  private snapshotFinished(stream: SnapshotStream, ok: boolean, reason?: string): void {
    this.snapshot = undefined;
    if (this.state === 'closed') return;
    const ms = Date.now() - stream.startedAt;
    if (ok) {
      this.opts.stats.snapshotsSent++;
      this.opts.stats.messagesSent++;
      this.log.info({ peer: this.peerId, bytes: stream.totalBytes, ms }, 'snapshot sent');
      this.opts.events.onSnapshotStatus(this.peerId, true);
      this.startSnapshot();
      return;
    }
    this.opts.stats.snapshotsFailed++;
    this.log.warn({ peer: this.peerId, bytes: stream.totalBytes, ms, reason }, 'snapshot send failed');
    this.opts.events.onSnapshotStatus(this.peerId, false);
    // A receiver that stopped acknowledging holds a stuck connection: start over on a fresh one.
    if (this.state === 'open') this.socket?.destroy(new Error(`snapshot failed: ${reason}`));
  }

  private snapshotFailed(reason: string): void {
    this.pendingSnapshot = undefined;
    this.opts.stats.snapshotsFailed++;
    this.log.warn({ peer: this.peerId, reason }, 'snapshot not sent');
    this.opts.events.onSnapshotStatus(this.peerId, false);
  }
}
