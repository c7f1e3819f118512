// The listening socket for one peer URL: plain TCP for http, TLS for https. A TLS connection
// reaches the peer protocol only after its handshake and its client certificate pass; every
// failure before that closes that connection alone, logged once per remote host and reason.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { vetClientCertificate } from './client-certificate.js';
import type { CertRefusal } from './client-certificate.js';
import { encodeFrame } from './frame-codec.js';
import type { PinoLikeLogger } from './logger.js';
import { parsePeerUrl } from './peer-url.js';
import { contextOptions } from './secure-socket.js';
import type { PeerTls } from './secure-socket.js';

export interface PeerListenerHooks {
  logger: PinoLikeLogger;
  /** Bounds the TLS handshake and the certificate checks after it, each. */
  handshakeTimeoutMs: number;
  /** Every TCP connection as it arrives, before any TLS, so the owner can cut them all when it stops. */
  onConnection(raw: Socket): void;
  /** A connection ready for the peer protocol: plain, or TLS with its client certificate accepted. */
  onSocket(socket: Socket): void;
  /** True the first time a refusal for this key is seen. */
  firstRefusal(key: string): boolean;
}

/** Listens on `url`; rejects if it cannot be bound, or if it is https and there is no peer TLS. */
export async function listenPeer(url: string, tls: PeerTls | undefined, hooks: PeerListenerHooks): Promise<Server> {
  const { host, port, secure } = parsePeerUrl(url);
  if (secure && !tls) throw new Error(`cannot listen on TLS for ${url}: no peer certificate and key`);
  if (!secure && tls) hooks.logger.warn({ url }, 'peer URL is http while peer TLS is configured; this listener is plain TCP');
  const server = secure && tls ? secureServer(tls, hooks) : createServer();
  server.prependListener('connection', (raw: Socket) => hooks.onConnection(raw));
  if (!secure) server.on('connection', (socket: Socket) => hooks.onSocket(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => hooks.logger.error({ err: err.message, url }, 'peer listener failed'));
  hooks.logger.info({ url }, 'listening for peers');
  return server;
}

function secureServer(tls: PeerTls, hooks: PeerListenerHooks): Server {
  const { logger: log } = hooks;
  const server = createTlsServer({
    ...contextOptions(tls.material),
    requestCert: tls.clientCertAuth,
    // Verified below, so that a refusal can be logged and told to the dialer.
    rejectUnauthorized: false,
    handshakeTimeout: hooks.handshakeTimeoutMs,
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const remote = socket.remoteAddress ?? 'unknown';
    if (hooks.firstRefusal(`tls|${remote}|${err.code ?? err.message}`)) {
      log.warn({ remote, err: err.message }, 'TLS handshake with a peer failed');
    }
    socket.destroy();
  });
  server.on('secureConnection', (socket: TLSSocket) => void admit(socket, tls, hooks));
  const unsubscribe = tls.material.onChange(() => {
    try {
      server.setSecureContext(contextOptions(tls.material));
      log.info({}, 'peer TLS certificates reloaded');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'cannot use the new peer TLS certificates; keeping the old ones');
    }
  });
  server.once('close', unsubscribe);
  return server;
}

async function admit(socket: TLSSocket, tls: PeerTls, hooks: PeerListenerHooks): Promise<void> {
  socket.on('error', () => {}); // a reset during the checks is routine; 'close' follows
  // The SAN check may wait on DNS: a connection is not held open past the handshake timeout for it.
  const deadline = setTimeout(() => socket.destroy(), hooks.handshakeTimeoutMs);
  const refusal = await vetClientCertificate(socket, tls).catch((err: Error): CertRefusal => ({ reason: 'client certificate check failed', detail: err.message }));
  clearTimeout(deadline);
  if (socket.destroyed) return;
  if (!refusal) return hooks.onSocket(socket);
  const remote = socket.remoteAddress ?? 'unknown';
  if (hooks.firstRefusal(`cert|${remote}|${refusal.detail}`)) {
    hooks.logger.warn({ remote, reason: refusal.reason, err: refusal.detail }, 'refused peer connection');
  }
  // The dialer hears why in the protocol's own words, then the connection closes whatever it sends.
  socket.resume();
  socket.end(encodeFrame({ t: 'refuse', reason: refusal.reason }));
  const linger = setTimeout(() => socket.destroy(), hooks.handshakeTimeoutMs);
  socket.once('close', () => clearTimeout(linger));
}
