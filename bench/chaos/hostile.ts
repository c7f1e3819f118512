// The hostile connections of the tls-chaos workload: the ways a broken or malicious client can
// occupy a TLS port without ever being let in. Each lives until the member closes it or the
// barrage destroys it; whatever the member sends back is read and dropped.
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export const HOSTILE_KINDS = [
  'garbage', // an HTTP request and random bytes where a ClientHello belongs
  'stalled-hello', // a whole ClientHello, then silence: the member has answered and waits for us
  'silent', // connected, never a byte (half-open, as far as the member can tell)
  'slowloris', // a ClientHello one byte at a time, never finished in any handshake timeout
  'truncated-hello', // the first bytes of a ClientHello, then FIN
  'no-cert', // a full handshake without a client certificate
  'wrong-cert', // a full handshake with a self-signed certificate no member trusts
] as const;

export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileMaterial {
  /** A real ClientHello. */
  hello: Buffer;
  stranger: { cert: Buffer; key: Buffer };
}

// A ClientHello is a few hundred bytes: at this pace it would take minutes.
const TRICKLE_MS = 500;
// The record header and part of the handshake header.
const TRUNCATED_BYTES = 40;
const GARBAGE = Buffer.concat([Buffer.from('PUT /v2/keys/chaos HTTP/1.1\r\nHost: chaos\r\n\r\n'), randomBytes(256)]);

export function openHostile(kind: HostileKind, host: string, port: number, m: HostileMaterial): Socket {
  switch (kind) {
    case 'garbage': return tcp(host, port, (s) => s.write(GARBAGE));
    case 'stalled-hello': return tcp(host, port, (s) => s.write(m.hello));
    case 'silent': return tcp(host, port, () => {});
    case 'slowloris': return tcp(host, port, (s) => trickle(s, m.hello));
    case 'truncated-hello': return tcp(host, port, (s) => s.end(m.hello.subarray(0, TRUNCATED_BYTES)));
    case 'no-cert': return tls(host, port, {});
    case 'wrong-cert': return tls(host, port, m.stranger);
  }
}

function tcp(host: string, port: number, onConnect: (s: Socket) => void): Socket {
  const socket = netConnect(port, host, () => onConnect(socket));
  socket.resume();
  return socket;
}

function tls(host: string, port: number, cert: { cert?: Buffer; key?: Buffer }): Socket {
  // Only the member's refusal of our certificate matters, not whether we would trust its own.
  const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...cert });
  socket.resume();
  return socket;
}

function trickle(socket: Socket, bytes: Buffer): void {
  let i = 0;
  const timer = setInterval(() => (i < bytes.length ? socket.write(bytes.subarray(i, ++i)) : clearInterval(timer)), TRICKLE_MS);
  socket.once('close', () => clearInterval(timer));
}
