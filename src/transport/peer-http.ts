// etcd's peer port also speaks HTTP: `GET /members` there is how a v2 proxy (etcd's or raftkv's)
// learns a cluster's client URLs. raftkv's peer protocol shares the port: a frame opens with the top
// byte of a length of at most MAX_FRAME_BYTES (64 MiB), so 0x00..0x04, and an HTTP request with
// an uppercase method. The first byte tells them apart; HTTP goes to node's own parser.
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { Socket } from 'node:net';

/** An HTTP method's first letter ('A'..'Z'), never a peer frame's first byte. */
export function opensHttp(firstByte: number): boolean {
  return firstByte >= 0x41 && firstByte <= 0x5a;
}

/** Serves the HTTP connections found on a peer port. */
export class PeerHttp {
  private readonly server: Server;

  constructor(handler: RequestListener) {
    this.server = createServer(handler);
  }

  /** Hands over a connection whose first bytes, already read, are `head`. */
  serve(socket: Socket, head: Buffer): void {
    socket.unshift(head);
    this.server.emit('connection', socket);
    socket.resume();
  }
}
