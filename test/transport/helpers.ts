// Scaffolding for transport tests: members on free loopback ports whose callbacks are recorded,
// message builders, and raw sockets for playing a misbehaving peer.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { freePort } from '../../bench/harness/free-ports.js';
import { MessageType } from '../../raft/types.js';
import type { Message } from '../../raft/types.js';
import { PeerTransport, sendPeerRequest } from '../../src/transport/peer-transport.js';
import type { PeerTls, PeerTransportOptions, PinoLikeLogger, TransportLimits } from '../../src/transport/peer-transport.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function recordingLogger(lines: LogLine[]): PinoLikeLogger {
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A transport under test and everything its callbacks reported. */
export interface TestMember {
  id: string;
  clusterId: string;
  url: string;
  transport: PeerTransport;
  received: Message[];
  snapshotStatus: { to: string; ok: boolean }[];
  unreachable: string[];
  /** Peers reported down (their connection closed and a redial failed). */
  down: string[];
  active: { id: string; active: boolean }[];
  logs: LogLine[];
}

export interface MemberOptions {
  clusterId?: string;
  url?: string;
  limits?: Partial<TransportLimits>;
  onRequest?: PeerTransportOptions['onRequest'];
  onMessages?: (msgs: Message[]) => void;
  /** Peer TLS; the member's URL is then https. */
  tls?: PeerTls;
}

/** A one-shot peer request from `from` (as a joining member asks over the peer port). */
export function ask(from: TestMember, urls: string[], kind: string, body: unknown, timeoutMs: number, tls?: PeerTls): Promise<unknown> {
  return sendPeerRequest({ urls, kind, body, timeoutMs, from: { memberId: from.id, clusterId: from.clusterId }, sockets: new Set(), tls });
}

/** Registers cleanup for the calling test file: every member, server and socket is closed after each test. */
export function transportFixture() {
  const transports: PeerTransport[] = [];
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(transports.splice(0).map((t) => t.stop()));
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  return {
    /** A member with a transport, not yet listening (its URL is reserved). */
    async member(id: string, opts: MemberOptions = {}): Promise<TestMember> {
      const url = opts.url ?? (await freeUrl(opts.tls ? 'https' : 'http'));
      const clusterId = opts.clusterId ?? 'cluster-1';
      const m: Omit<TestMember, 'transport'> = { id, clusterId, url, received: [], snapshotStatus: [], unreachable: [], down: [], active: [], logs: [] };
      const transport = new PeerTransport({
        memberId: id,
        clusterId,
        listenUrls: [url],
        logger: recordingLogger(m.logs),
        onMessages: (msgs) => {
          m.received.push(...msgs);
          opts.onMessages?.(msgs);
        },
        onRequest: opts.onRequest,
        onSnapshotStatus: (to, ok) => m.snapshotStatus.push({ to, ok }),
        onPeerActive: (peer, active) => m.active.push({ id: peer, active }),
        onUnreachable: (peer) => m.unreachable.push(peer),
        onPeerDown: (peer) => m.down.push(peer),
        limits: { reconnectMinMs: 10, reconnectMaxMs: 50, ...opts.limits },
        tls: opts.tls,
      });
      transports.push(transport);
      return { ...m, transport };
    },

    /** Members started and all introduced to each other; `opts` may differ per member. */
    async cluster(ids: string[], opts: MemberOptions | ((id: string) => MemberOptions) = {}): Promise<TestMember[]> {
      const members: TestMember[] = [];
      for (const id of ids) members.push(await this.member(id, typeof opts === 'function' ? opts(id) : opts));
      for (const m of members) await m.transport.start();
      for (const a of members) for (const b of members) if (a !== b) a.transport.addPeer(b.id, [b.url]);
      return members;
    },

    /** A plain TCP listener standing in for a peer; `onSocket` plays its part. */
    async rawPeer(onSocket: (socket: Socket) => void): Promise<string> {
      const port = await freePort();
      const server = createServer((socket) => {
        sockets.push(socket);
        onSocket(socket);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return `http://127.0.0.1:${port}`;
    },

    /** A raw client connection to a member's peer port; what the member answers is discarded. */
    async dial(url: string): Promise<Socket> {
      const { port } = new URL(url);
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      sockets.push(socket);
      // Flowing, so that the member closing its end is seen even after it wrote something.
      socket.resume();
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      return socket;
    },
  };
}

export async function freeUrl(scheme: 'http' | 'https' = 'http'): Promise<string> {
  return `${scheme}://127.0.0.1:${await freePort()}`;
}

export function message(from: string, to: string, type: MessageType, fields: Partial<Message> = {}): Message {
  return { type, from, to, term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...fields };
}

/** A heartbeat whose commit field numbers it, so tests can check order. */
export function heartbeat(from: string, to: string, seq: number): Message {
  return message(from, to, MessageType.Heartbeat, { commit: seq });
}

export function snapMessage(from: string, to: string, data: Uint8Array, index = 100): Message {
  return message(from, to, MessageType.Snap, {
    snapshot: { metadata: { index, term: 3, confState: { voters: [from, to], learners: [] } }, data },
  });
}

/** Deterministic pseudo-random bytes, so a corrupted byte anywhere shows up in a comparison. */
export function patternBytes(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
