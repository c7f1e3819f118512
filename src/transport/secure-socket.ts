// TLS for the peer port, as etcd's peer TLS behaves (pkg/transport/listener.go, TLSInfo): what a
// member's peer TLS is configured with, and the one way every outbound connection (stream links,
// one-shot requests) is dialed. The URL's scheme decides: https is TLS, http is plain TCP.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { checkServerIdentity, connect as connectTls } from 'node:tls';
import type { PeerCertificate, SecureContextOptions, SecureVersion } from 'node:tls';
import type { TlsMaterial } from '../tls/material.js';
import type { PeerAddress } from './peer-url.js';

export interface PeerTls {
  /** Key, certificate and trusted CA for both ends of every peer connection; rotations apply to new connections. */
  material: TlsMaterial;
  /**
   * The listener asks for a client certificate signed by the trusted CA and refuses connections
   * without one. etcd 3.4 turns this on with --peer-client-cert-auth, and also whenever
   * --peer-trusted-ca-file is given (TLSInfo.ServerConfig).
   */
  clientCertAuth: boolean;
  /** The dialer checks the listener's certificate against the CA and the URL's host; etcd's --peer-auto-tls does not. */
  verifyServer: boolean;
  /** --peer-cert-allowed-cn: the other end's certificate must carry exactly this CN. */
  allowedCn?: string;
  /** --peer-cert-allowed-hostname: the other end's certificate must be valid for this host. */
  allowedHostname?: string;
  /**
   * --experimental-peer-skip-client-san-verification: accept a client certificate whose SANs do
   * not name the address it connects from (etcd checks that by default).
   */
  skipClientSanVerification?: boolean;
}

/** Throws on a combination etcd refuses at startup. */
export function checkPeerTls(tls: PeerTls): void {
  if (tls.allowedCn && tls.allowedHostname) {
    throw new Error(`AllowedCN and AllowedHostname are mutually exclusive (cn=${JSON.stringify(tls.allowedCn)}, hostname=${JSON.stringify(tls.allowedHostname)})`);
  }
}

/** The material in force now, never below TLS 1.2 (etcd's floor). */
export function contextOptions(material: TlsMaterial | undefined): SecureContextOptions {
  const options = material?.current() ?? {};
  const minVersion: SecureVersion = options.minVersion === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2';
  return { ...options, minVersion };
}

/**
 * Why the other end's certificate is not the one --peer-cert-allowed-cn or
 * --peer-cert-allowed-hostname asks for, or undefined when it is (or nothing is asked). etcd
 * applies the rule to both ends: the listener to client certificates, the dialer to the server's.
 */
export function disallowedIdentity(cert: PeerCertificate, tls: PeerTls): string | undefined {
  if (tls.allowedCn && cert.subject?.CN !== tls.allowedCn) return `CN ${JSON.stringify(cert.subject?.CN ?? '')} is not the allowed CN`;
  if (tls.allowedHostname && checkServerIdentity(tls.allowedHostname, cert)) return `not valid for the allowed hostname ${tls.allowedHostname}`;
  return undefined;
}

/**
 * Dials a peer; `onOpen` runs once the connection can carry frames (after the TLS handshake,
 * for https). A server certificate that fails verification ends the socket with an 'error'.
 */
export function dialPeer(address: PeerAddress, tls: PeerTls | undefined, onOpen: () => void): Socket {
  const { host, port } = address;
  if (!address.secure) return connect({ host, port }).once('connect', onOpen);
  return connectTls({
    ...contextOptions(tls?.material),
    host,
    port,
    // Without peer TLS options an https peer is still verified, against the system's CAs (as etcd's empty TLSInfo is).
    rejectUnauthorized: tls?.verifyServer ?? true,
    checkServerIdentity: (name, cert) => {
      const mismatch = checkServerIdentity(name, cert);
      if (mismatch || !tls) return mismatch;
      const disallowed = disallowedIdentity(cert, tls);
      return disallowed === undefined ? undefined : new Error(`peer server certificate refused: ${disallowed}`);
    },
  }).once('secureConnect', onOpen);
}
