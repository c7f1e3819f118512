// Raw bytes to a listener, over TCP or TLS, and what came back before it closed: for requests
// fetch cannot send (unparseable ones) and for the connections a misbehaving client makes.
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tlsOptions } from './tls-request.js';
import type { ClientSide } from './tls-request.js';

export { clientHello } from '../../../bench/harness/client-hello.js';

/** Sends `bytes` and resolves with everything received until the server closes (or `readMs`). */
export function rawExchange(url: string, bytes: string | Buffer, side: ClientSide = {}, readMs = 10_000): Promise<string> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = protocol === 'https:'
      ? tlsConnect({ host: hostname, port: Number(port), ...tlsOptions(side) }, () => socket.write(bytes))
      : netConnect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), readMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A plain TCP connection to `url`'s port, for sending what a real client would not. */
export function tcpTo(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the server has closed `socket` (true), or false if it is still open after `ms`. */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
