// A one-shot request to whichever of a member's peer URLs answers first, tried in order: the
// way a member that is not part of the cluster yet asks one that is.
import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder, FrameError } from './frame-codec.js';
import { parsePeerUrl } from './peer-url.js';
import type { PeerAddress } from './peer-url.js';
import { dialPeer } from './secure-socket.js';
import type { PeerTls } from './secure-socket.js';
import { parseFrame, PROTOCOL_VERSION } from './wire.js';
import type { Hello } from './wire.js';

/** No URL answered within the time allowed. */
export class RequestTimeoutError extends Error {
  constructor(kind: string, timeoutMs: number) {
    super(`peer request ${kind} got no answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The remote member answered, with an error from its request handler. */
export class RemoteRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteRequestError';
  }
}

export interface PeerRequest {
  urls: string[];
  kind: string;
  body: unknown;
  timeoutMs: number;
  from: { memberId: string; clusterId: string };
  /** Sockets in use, so the transport can cut them when it stops. */
  sockets: Set<Socket>;
  /** For https URLs: the same peer TLS the member's transport will use. */
  tls?: PeerTls;
}

/**
 * Resolves with the first answer. A URL that cannot be reached, or refuses, passes the turn to
 * the next; an answer that is an error (RemoteRequestError) ends the request.
 */
export async function sendPeerRequest(req: PeerRequest): Promise<unknown> {
  const deadline = Date.now() + req.timeoutMs;
  const hello: Hello = { t: 'hello', v: PROTOCOL_VERSION, purpose: 'request', clusterId: req.from.clusterId, from: req.from.memberId, to: '' };
  const opening = Buffer.concat([encodeFrame(hello), encodeFrame({ t: 'req', kind: req.kind, body: req.body })]);
  let lastError: Error = new Error('no peer URL to send the request to');
  for (const url of req.urls) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      return await attempt(parsePeerUrl(url), opening, req, remaining);
    } catch (err) {
      if (err instanceof RemoteRequestError || err instanceof RequestTimeoutError) throw err;
      lastError = new Error(`${url}: ${(err as Error).message}`);
    }
  }
  if (Date.now() >= deadline) throw new RequestTimeoutError(req.kind, req.timeoutMs);
  throw lastError;
}

function attempt(address: PeerAddress, opening: Buffer, req: PeerRequest, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = dialPeer(address, req.tls, () => socket.write(opening));
    req.sockets.add(socket);
    socket.setNoDelay(true);
    const timer = setTimeout(() => settle(new RequestTimeoutError(req.kind, req.timeoutMs)), timeoutMs);
    let settled = false;
    function settle(err: Error | undefined, body?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.sockets.delete(socket);
      socket.destroy();
      if (err) reject(err);
      else resolve(body);
    }
    const decoder = new FrameDecoder();
    socket.on('data', (bytes: Buffer) => {
      try {
        for (const value of decoder.push(bytes)) {
          const frame = parseFrame(value);
          if (frame.t === 'welcome') continue;
          if (frame.t === 'refuse') return settle(new Error(`refused: ${frame.reason}`));
          if (frame.t !== 'resp') throw new FrameError(`unexpected ${frame.t} in answer to a request`);
          return settle(frame.ok ? undefined : new RemoteRequestError(frame.error), frame.ok ? frame.body : undefined);
        }
      } catch (err) {
        settle(err as Error);
      }
    });
    socket.on('error', (err) => settle(err));
    socket.on('close', () => settle(new Error('connection closed before an answer')));
  });
}
