// The user names a client certificate offers, as etcd's userFromClientCertificate reads them:
// only from a connection whose certificate chain was verified, the subject common name of each
// certificate in the chain, leaf first (etcd tries each against its users and takes the first
// that exists). A socket that is not TLS, or whose peer was not verified, offers none. Node
// reports a verified peer only when the listener asked for client certificates (etcd's
// --client-cert-auth).

/** What is read of a socket: node's tls.TLSSocket has these; a plain socket has neither. */
export interface SocketLike {
  authorized?: boolean;
  getPeerCertificate?(detailed: boolean): CertificateLike | null | undefined;
}

export interface CertificateLike {
  subject?: { CN?: string | string[] } | null;
  issuerCertificate?: CertificateLike | null;
}

export function certificateNames(socket: SocketLike): string[] {
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return [];
  const names: string[] = [];
  const seen = new Set<CertificateLike>();
  // A self-signed root is its own issuer in node's chain.
  for (let cert = socket.getPeerCertificate(true); cert && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    const cn = cert.subject?.CN;
    // Go keeps the last CN of a subject that has several. etcd would look up "" as the users
    // directory itself; an empty name is no user here.
    const name = Array.isArray(cn) ? cn[cn.length - 1] : cn;
    if (name) names.push(name);
  }
  return names;
}
