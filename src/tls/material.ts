// What a TLS endpoint (a client listener, the peer listener, the peer dialer) needs from the
// certificate files behind it, whoever reads them: the options in force now, and word when they
// change (certificate rotation without restart).
import type { SecureContextOptions } from 'node:tls';

export interface TlsMaterial {
  /**
   * Key, certificate chain, trusted CAs, CRL, ciphers and minimum version as they are now; pass to
   * tls.createServer / tls.connect / server.setSecureContext.
   */
  current(): SecureContextOptions;
  /** Calls `listener` after the files changed and were re-read successfully; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}
