// One HTTPS (or HTTP) request from a test, on a fresh connection, with the TLS options it asks
// for: the answer, and the certificate the server showed; or the error that ended it (a refused
// handshake).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { CertFiles } from '../../support/certs.js';

export interface TlsAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** sha256 fingerprint of the server's certificate (https only). */
  serverCert?: string;
}

export interface ClientSide {
  /** CA file to verify the server with. */
  ca?: string;
  /** Client certificate and key to present. */
  client?: CertFiles;
}

export function tlsOptions(side: ClientSide): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ...(side.ca ? { ca: readFileSync(side.ca) } : {}),
    ...(side.client ? { cert: readFileSync(side.client.cert), key: readFileSync(side.client.key) } : {}),
  };
}

export function send(url: string, side: ClientSide = {}, init: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<TlsAnswer> {
  const https = url.startsWith('https:');
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: init.method ?? 'GET',
      agent: false,
      timeout: init.timeoutMs ?? 10_000,
      headers: init.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
      ...(https ? tlsOptions(side) : {}),
    }, (res) => {
      const serverCert = https ? (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers, ...(serverCert ? { serverCert } : {}) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${init.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The error a request ends with; throws if it was answered. */
export async function refusal(url: string, side: ClientSide): Promise<Error> {
  try {
    const answer = await send(url, side);
    throw new Error(`expected a refused handshake, got ${answer.status} ${answer.body}`);
  } catch (err) {
    if ((err as Error).message.startsWith('expected a refused handshake')) throw err;
    return err as Error;
  }
}
