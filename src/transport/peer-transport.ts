// A member's messaging with its peers: one outbound PeerLink per peer for the messages this member
// sends, a listener for the streams peers open to it, and one-shot requests for cluster queries.
import type { RequestListener } from 'node:http';
import type { Server, Socket } from 'node:net';
import { MessageType } from '../../raft/index.js';
import type { Message } from '../../raft/index.js';
import { InboundConnection } from './inbound-connection.js';
import { LeaderStats } from './leader-stats.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { TransportLimits } from './limits.js';
import type { PinoLikeLogger } from './logger.js';
import { PeerHttp, opensHttp } from './peer-http.js';
import { PeerLink } from './peer-link.js';
import { listenPeer } from './peer-listener.js';
import { emptyPeerStats } from './peer-stats.js';
import type { PeerStats } from './peer-stats.js';
import { checkPeerTls } from './secure-socket.js';
import type { PeerTls } from './secure-socket.js';

export type { PinoLikeLogger } from './logger.js';
export type { PeerStats } from './peer-stats.js';
export type { TransportLimits } from './limits.js';
export type { PeerTls } from './secure-socket.js';
export { RemoteRequestError, RequestTimeoutError, sendPeerRequest } from './peer-request.js';
export { REMOVED_MEMBER_REFUSAL } from './wire.js';

export interface PeerTransportOptions {
  memberId: string;
  clusterId: string;
  listenUrls: string[];
  logger: PinoLikeLogger;
  onMessages(msgs: Message[]): void;
  /** Answers another member's request(); without it, requests are answered with an error. */
  onRequest?(kind: string, body: unknown, fromMemberId: string): Promise<unknown>;
  /** A snapshot reached the peer and was handed to its raft (ok), or could not be sent. */
  onSnapshotStatus?(to: string, ok: boolean): void;
  /** The outbound connection to a peer came up or went down. */
  onPeerActive?(id: string, active: boolean): void;
  /** Messages to the peer were lost: it could not be dialed, or its connection broke. */
  onUnreachable?(id: string): void;
  /** The peer's process is likely gone: its open connection closed and a prompt redial failed (see LossProbe). */
  onPeerDown?(id: string): void;
  /** A peer refused this member's connection (REMOVED_MEMBER_REFUSAL: this member was removed). */
  onRefused?(id: string, reason: string): void;
  /** A follower answered this leader's heartbeat after `ms` (etcd_network_peer_round_trip_time_seconds). */
  onRoundTrip?(peer: string, ms: number): void;
  /** Members removed from the cluster, whose connections are refused. */
  isRemoved?(id: string): boolean;
  limits?: Partial<TransportLimits>;
  /** Answers HTTP requests on the peer port (etcd's `GET /members`); without it, they are dropped as bad frames. */
  onHttp?: RequestListener;
  /** TLS for https listen URLs and for dialing peers' https URLs; http URLs stay plain TCP either way. */
  tls?: PeerTls;
}

const MAX_REMEMBERED_REFUSALS = 1000;

export class PeerTransport {
  private readonly memberId: string;
  private readonly clusterId: string;
  private readonly limits: TransportLimits;
  private readonly log: PinoLikeLogger;
  private readonly links = new Map<string, PeerLink>();
  private readonly stats = new Map<string, PeerStats>();
  private readonly servers: Server[] = [];
  private readonly inbound = new Set<Socket>();
  private readonly inboundStreams = new Map<string, Socket>();
  private readonly refusalsLogged = new Set<string>();
  private readonly http: PeerHttp | undefined;
  private readonly followers = new LeaderStats();
  /** AppendEntries sent and received (etcd's sendAppendRequestCnt and recvAppendRequestCnt). */
  appendsSent = 0;
  appendsReceived = 0;
  private stopped = false;

  constructor(private readonly opts: PeerTransportOptions) {
    this.memberId = opts.memberId;
    this.clusterId = opts.clusterId;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.log = opts.logger;
    this.http = opts.onHttp && new PeerHttp(opts.onHttp);
    if (opts.tls) checkPeerTls(opts.tls);
  }

  /** Listens on every listen URL; rejects if any cannot be bound. */
  async start(): Promise<void> {
    for (const url of this.opts.listenUrls) {
      this.servers.push(
        await listenPeer(url, this.opts.tls, {
          logger: this.log,
          handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
          onConnection: (raw) => this.track(raw),
          onSocket: (socket) => this.accept(socket),
          firstRefusal: (key) => this.firstRefusal(key),
        }),
      );
    }
  }

  /** Closes listeners, links and connections; pending sends are dropped and no timer is left behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const socket of this.inbound) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  addPeer(id: string, urls: string[]): void {
    if (this.stopped) return;
    const existing = this.links.get(id);
    if (existing) {
      existing.updateUrls(urls);
      return;
    }
    const stats = emptyPeerStats();
    this.stats.set(id, stats);
    this.links.set(
      id,
      new PeerLink({
        peerId: id,
        urls,
        identity: () => this.identity(),
        limits: this.limits,
        tls: this.opts.tls,
        logger: this.log,
        stats,
        events: {
          onUnreachable: (peer) => {
            this.followers.failed(peer);
            this.opts.onUnreachable?.(peer);
          },
          onPeerDown: (peer) => this.opts.onPeerDown?.(peer),
          onSnapshotStatus: (peer, ok) => this.opts.onSnapshotStatus?.(peer, ok),
          onActive: (peer, active) => this.opts.onPeerActive?.(peer, active),
          onRefused: (peer, reason) => this.opts.onRefused?.(peer, reason),
        },
      }),
    );
  }

  /**
   * Forgets a peer, and cuts its stream to us: a removed member may never see the entry that
   * removed it committed, but when it redials, isRemoved refuses it and it learns that way.
   */
  removePeer(id: string): void {
    this.links.get(id)?.close();
    this.links.delete(id);
    this.stats.delete(id);
    this.followers.forget(id);
    this.inboundStreams.get(id)?.destroy();
  }

  /** Hands each peer its messages (in order) for its next write, or writes them now with `flushNow`; messages to unknown peers are dropped. */
  send(msgs: Message[], flushNow = false): void {
    const byPeer = new Map<string, Message[]>();
    const now = Date.now();
    for (const m of msgs) {
      if (m.type === MessageType.App) this.appendsSent++;
      else if (m.type === MessageType.Heartbeat) this.followers.heartbeatSent(m.to, now);
      const batch = byPeer.get(m.to);
      if (batch) batch.push(m);
      else byPeer.set(m.to, [m]);
    }
    for (const [to, batch] of byPeer) this.links.get(to)?.enqueue(batch, flushNow);
  }

  /** The body of /v2/stats/leader for a leader with these followers. */
  leaderStats(leaderId: string, followerIds: string[], printId: (id: string) => string): object {
    return this.followers.toJSON(leaderId, followerIds, printId);
  }

  /** A copy of the counters kept for a peer, or undefined for one not added. */
  peerStats(id: string): PeerStats | undefined {
    const stats = this.stats.get(id);
    return stats && { ...stats };
  }

  private identity(): { memberId: string; clusterId: string } {
    return { memberId: this.memberId, clusterId: this.clusterId };
  }

  /** Every accepted TCP connection (under TLS, the raw one), so that stop() can cut them all. */
  private track(raw: Socket): void {
    if (this.stopped) {
      raw.destroy();
      return;
    }
    this.inbound.add(raw);
    raw.on('close', () => this.inbound.delete(raw));
  }

  /** A connection through TLS and its checks (when the URL is https): HTTP, or the peer protocol. */
  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const http = this.http;
    if (!http) return this.acceptPeer(socket);
    // Its first byte says which; it must come within the handshake deadline, as a hello must.
    const deadline = setTimeout(() => socket.destroy(), this.limits.handshakeTimeoutMs);
    socket.on('error', () => {}); // a reset before the first byte is routine; 'close' follows
    socket.once('close', () => clearTimeout(deadline));
    socket.once('data', (head: Buffer) => {
      clearTimeout(deadline);
      socket.pause();
      if (opensHttp(head[0])) return http.serve(socket, head);
      socket.unshift(head);
      this.acceptPeer(socket);
      socket.resume();
    });
  }

  private acceptPeer(socket: Socket): void {
    socket.on('close', () => {
      for (const [from, s] of this.inboundStreams) if (s === socket) this.inboundStreams.delete(from);
    });
    new InboundConnection(socket, {
      identity: () => this.identity(),
      isRemoved: (id) => this.opts.isRemoved?.(id) ?? false,
      logger: this.log,
      handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
      maxSnapshotBytes: this.limits.maxSnapshotBytes,
      onMessages: (msgs) => this.received(msgs),
      onRequest: (kind, body, from) => this.answerRequest(kind, body, from),
      onStreamOpened: (from, s) => {
        // The peer redialed: its previous connection is dead even if no FIN reached us.
        this.inboundStreams.get(from)?.destroy();
        this.inboundStreams.set(from, s);
        // A restarted peer would otherwise hear nothing until our redial's backoff (up to a second) ran out.
        this.links.get(from)?.peerDialedIn();
      },
      onReceived: (from, messages, bytes) => {
        const stats = this.stats.get(from);
        if (!stats) return;
        stats.messagesReceived += messages;
        stats.bytesReceived += bytes;
      },
      firstRefusal: (key) => this.firstRefusal(key),
    });
  }

  private received(msgs: Message[]): void {
    const now = Date.now();
    for (const m of msgs) {
      if (m.type === MessageType.App) this.appendsReceived++;
      else if (m.type === MessageType.HeartbeatResp || m.type === MessageType.AppResp) {
        const ms = this.followers.answered(m.from, now);
        if (ms !== undefined) this.opts.onRoundTrip?.(m.from, ms);
      }
    }
    this.opts.onMessages(msgs);
  }

  private async answerRequest(kind: string, body: unknown, from: string): Promise<unknown> {
    if (!this.opts.onRequest) throw new Error('this member serves no peer requests');
    return this.opts.onRequest(kind, body, from);
  }

  private firstRefusal(key: string): boolean {
    if (this.refusalsLogged.has(key)) return false;
    // Bounded: a stream of ever-new senders costs log lines, not memory.
    if (this.refusalsLogged.size >= MAX_REMEMBERED_REFUSALS) this.refusalsLogged.clear();
    this.refusalsLogged.add(key);
    return true;
  }
}
