// The client URLs a member listens on: one node server per URL, http or https, each handing its
// requests to the one fastify app (requestEntryOf: its fast path, then fastify's own entry),
// so hooks, routes and error handling are the app's whatever the listener. fastify never listens
// itself, so what it would do for its own server is done here for every server: its timeouts and
// clientErrorHandler, and on close the connections dropped (forceCloseConnections).
//
// https servers take their key, certificates, CRL and ciphers from a TlsMaterial and swap them in
// (setSecureContext) when it changes, so new connections see a rotated certificate. A handshake
// that fails, stalls past HANDSHAKE_TIMEOUT_MS or brings a client certificate that is not allowed
// ends that connection and nothing else.
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { isIP } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { answerUnparseable, requestEntryOf } from '../api/app.js';
import { shimConnections } from '../api/shimmed-socket.js';
import type { Logger } from '../src/server/logger.js';
import type { TlsMaterial } from '../src/tls/material.js';
import { parseEtcdUrl } from './etcd-urls.js';

/** A TLS handshake not finished by then is dropped: a half-open or slow client costs one socket for this long. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ClientTls {
  material: TlsMaterial;
  /** Require a client certificate that chains to the material's trusted CAs. */
  clientCertAuth: boolean;
  /** The host name or IP address a client certificate must be valid for (etcd's --client-cert-allowed-hostname). */
  allowedHostname?: string;
}

export interface ClientListenerOptions {
  /** Built and ready (app.ready() resolved). */
  app: FastifyInstance;
  urls: readonly string[];
  /** Needed when any URL is https. */
  tls?: ClientTls | undefined;
  logger: Logger;
}

type Server = HttpServer | HttpsServer;

/** Go's x509.Certificate.VerifyHostname: an IP against the IP SANs, a name against the DNS SANs; never the CN. */
function certAllows(cert: X509Certificate, host: string): boolean {
  return isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host, { subject: 'never' }) !== undefined;
}

export class ClientListeners {
  private readonly sockets = new Set<Socket>();
  private unsubscribe: (() => void) | undefined;
  private closed: Promise<unknown> | undefined;

  private constructor(
    private readonly servers: Server[],
    private readonly opts: ClientListenerOptions,
  ) {}

  /** Listens on every URL; on a failure (say the port is taken) closes what it opened and throws. */
  static async open(opts: ClientListenerOptions): Promise<ClientListeners> {
    const listeners = new ClientListeners([], opts);
    try {
      for (const url of opts.urls) await listeners.listen(url);
    } catch (err) {
      await listeners.close();
      throw err;
    }
    const { tls } = opts;
    if (tls) {
      listeners.unsubscribe = tls.material.onChange(() => {
        for (const server of listeners.servers) if ('setSecureContext' in server) server.setSecureContext(tls.material.current());
        opts.logger.info({}, 'client TLS certificate changed; new connections use it');
      });
    }
    return listeners;
  }

  /** Where each URL's server listens, in URL order (a port 0 URL gets a free port). */
  addresses(): AddressInfo[] {
    return this.servers.map((s) => s.address() as AddressInfo);
  }

  /**
   * Stops accepting connections and closes idle keep-alive ones; a request already sent is still
   * answered (the member hands over and drains meanwhile). close() then drops the rest.
   */
  stopAccepting(): void {
    if (this.closed) return;
    this.unsubscribe?.();
    this.closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const s of this.servers) s.closeIdleConnections();
  }

  /** Stops accepting, then drops every connection, handshaking or not (long polls included). */
  async close(): Promise<void> {
    this.stopAccepting();
    for (const socket of this.sockets) socket.destroy();
    await this.closed;
  }

  private async listen(url: string): Promise<void> {
    const { scheme, host, port } = parseEtcdUrl(url);
    const server = scheme === 'https' ? this.httpsServer() : this.httpServer();
    this.servers.push(server);
    // fastify set these on its own server; each listener answers the same way.
    const model = this.opts.app.server;
    server.keepAliveTimeout = model.keepAliveTimeout;
    server.requestTimeout = model.requestTimeout;
    server.headersTimeout = model.headersTimeout;
    server.setTimeout(model.timeout);
    server.on('clientError', answerUnparseable);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: Number(port) }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.logger.error({ err, url }, 'client listener error'));
        resolve();
      });
    });
  }

  /** Request lines llhttp would refuse reach the app as Go reads them (api/shimmed-socket.ts). */
  private httpServer(): HttpServer {
    const server = createHttpServer(requestEntryOf(this.opts.app));
    shimConnections(server, 'connection');
    return server;
  }

  private httpsServer(): HttpsServer {
    const tls = this.opts.tls;
    if (!tls) throw new Error('an https client URL needs TLS material');
    const server = createHttpsServer(
      {
        ...tls.material.current(),
        requestCert: tls.clientCertAuth,
        rejectUnauthorized: tls.clientCertAuth,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      },
      requestEntryOf(this.opts.app),
    );
    shimConnections(server, 'secureConnection'); // the decrypted stream
    server.on('tlsClientError', (err, socket) => {
      this.rejected(socket, err.message);
    });
    const allowed = tls.allowedHostname;
    if (allowed !== undefined) {
      // Before the HTTP layer sees the connection: a refused client never gets a request in.
      server.prependListener('secureConnection', (socket: TLSSocket) => {
        const cert = socket.getPeerX509Certificate();
        if (!cert || !certAllows(cert, allowed)) this.rejected(socket, 'client certificate authentication failed');
      });
    }
    return server;
  }

  /** etcd logs a failed handshake as "rejected connection" with the client's address. */
  private rejected(socket: Socket, error: string): void {
    this.opts.logger.info({ remoteAddr: `${socket.remoteAddress}:${socket.remotePort}`, error }, 'rejected connection');
    socket.destroy();
  }
}
