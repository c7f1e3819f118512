// fetch for a cluster's client URLs: the global one over http, or undici's with a client
// certificate and the CA that signed the members' certificates over https (the global fetch takes
// no TLS options).
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';

export interface ClientCertFiles {
  /** CA that signed the members' certificates (and the client's). */
  caFile: string;
  /** Certificate and key the client presents (the harness's: the members' own). */
  certFile: string;
  keyFile: string;
}

export type Fetch = typeof fetch;

/** undici's `connect` options (an Agent's or a Pool's) for a client with these files. */
export function tlsConnectOptions(tls: ClientCertFiles): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
}

export function clientFetch(tls: ClientCertFiles | undefined): Fetch {
  if (!tls) return fetch;
  const dispatcher = new Agent({ connect: tlsConnectOptions(tls) });
  return ((input: Parameters<Fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as Fetch;
}
