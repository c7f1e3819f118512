// The peer transport's TLS from the --peer-* settings and their material: one value for the
// transport's listener and dialer and for the join request a new member sends before it has one.
import type { TlsSettings } from '../src/tls/settings.js';
import type { TlsMaterial } from '../src/tls/material.js';
import type { PeerTls } from '../src/transport/peer-transport.js';

export function peerTransportTls(settings: TlsSettings | undefined, material: TlsMaterial | undefined): PeerTls | undefined {
  if (!settings || !material) return undefined;
  return {
    material,
    clientCertAuth: settings.clientCertAuth,
    // etcd skips verifying the other end only for its own auto-TLS certificate (InsecureSkipVerify).
    verifyServer: settings.cert.kind === 'files',
    ...(settings.allowedCn === undefined ? {} : { allowedCn: settings.allowedCn }),
    ...(settings.allowedHostname === undefined ? {} : { allowedHostname: settings.allowedHostname }),
    ...(settings.skipClientSanVerify ? { skipClientSanVerification: true } : {}),
  };
}
