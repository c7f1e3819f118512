// A connection as node's HTTP server sees it once request lines llhttp would refuse are rewritten
// (request-framer.ts): a Duplex over the real socket, reading through the framer, writing straight
// through, and answering for the socket what the server, fastify and the routes ask of it (its
// addresses, timeouts, TLS peer). node's http.Server takes any Duplex as a connection.
import { Duplex } from 'node:stream';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RequestFramer } from './request-framer.js';

export class ShimmedSocket extends Duplex {
  private readonly framer = new RequestFramer();

  constructor(readonly socket: Socket) {
    super({ allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      let more = true;
      for (const piece of this.framer.feed(chunk)) more = this.push(piece) && more;
      if (!more) socket.pause();
    });
    socket.on('end', () => {
      const rest = this.framer.flush();
      if (rest.length > 0) this.push(rest);
      this.push(null);
    });
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('drain', () => this.emit('drain'));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  /** What end(chunk) writes (Writable.end does not go through write). */
  override _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, encoding, done);
  }

  // Responses go straight to the socket, past this stream's own write queue: the shim is for
  // reading, and a second queue would cost every response a little.
  override write(chunk: unknown, encoding?: unknown, done?: unknown): boolean {
    return (this.socket.write as (...args: unknown[]) => boolean)(chunk, encoding, done);
  }
  override cork(): void {
    this.socket.cork();
  }
  override uncork(): void {
    this.socket.uncork();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    done(err);
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }
  get localPort(): number | undefined {
    return this.socket.localPort;
  }
  get encrypted(): boolean {
    return (this.socket as Partial<TLSSocket>).encrypted === true;
  }
  get authorized(): boolean {
    return (this.socket as Partial<TLSSocket>).authorized === true;
  }
  getPeerCertificate(detailed: boolean): ReturnType<TLSSocket['getPeerCertificate']> | undefined {
    return (this.socket as Partial<TLSSocket>).getPeerCertificate?.(detailed);
  }
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.socket.setTimeout(ms);
    if (onTimeout) this.once('timeout', onTimeout);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delayMs?: number): this {
    this.socket.setKeepAlive(enable, delayMs);
    return this;
  }
}

/**
 * Puts the shim between `server`'s sockets and its HTTP parser: takes over the listener node's
 * http (or https) server registered for `event` — 'connection' for http, 'secureConnection' for
 * https, where the socket is already decrypted — and hands it shimmed sockets instead.
 */
export function shimConnections(server: EventEmitter, event: 'connection' | 'secureConnection'): void {
  const [parse, ...others] = server.listeners(event) as ((this: EventEmitter, socket: Duplex) => void)[];
  if (parse === undefined || others.length > 0) throw new Error(`expected only node's own ${event} listener`);
  server.removeListener(event, parse);
  server.on(event, (socket: Socket) => parse.call(server, new ShimmedSocket(socket)));
}
