// One side's TLS (the client listeners', or the peer side's) as the flags asked for it, already
// checked (bin/tls-flags.ts): etcd's TLSInfo, plus where the certificate comes from.

export type CertSource =
  | { kind: 'files'; certFile: string; keyFile: string }
  /** --auto-tls / --peer-auto-tls: a self-signed certificate for `hosts` ("host:port") made in `dir`. */
  | { kind: 'auto'; dir: string; hosts: string[] };

export interface TlsSettings {
  cert: CertSource;
  /** The CA bundle the other side's certificate must chain to. */
  trustedCaFile?: string;
  /** Revoked certificates; only consulted when clientCertAuth. */
  crlFile?: string;
  /**
   * Require and verify the connecting side's certificate. As in etcd, --client-cert-auth or a
   * trusted CA file each turn it on.
   */
  clientCertAuth: boolean;
  /** Peer side: the only common name a peer's certificate may have (--peer-cert-allowed-cn). */
  allowedCn?: string;
  /** The host name or IP address the other side's certificate must be valid for. */
  allowedHostname?: string;
  /** OpenSSL cipher string from --cipher-suites; node's defaults when absent. */
  ciphers?: string;
  /**
   * Peer side: do not check a connecting peer's certificate SANs against its address
   * (--experimental-peer-skip-client-san-verification).
   */
  skipClientSanVerify?: boolean;
}
