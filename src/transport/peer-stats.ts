// Counters kept per peer for /v2/stats and operators; latency is measured by the server, which
// sees heartbeats and their responses.

export interface PeerStats {
  /** The outbound connection to the peer has completed its handshake. */
  active: boolean;
  activeSince?: Date;
  messagesSent: number;
  bytesSent: number;
  framesSent: number;
  /** Messages discarded unsent: queue overflow, or the connection was down or broke. */
  messagesDropped: number;
  /** Failed dials, refused handshakes and broken connections. */
  connectionFailures: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  messagesReceived: number;
  bytesReceived: number;
}

export function emptyPeerStats(): PeerStats {
  return {
    active: false,
    messagesSent: 0,
    bytesSent: 0,
    framesSent: 0,
    messagesDropped: 0,
    connectionFailures: 0,
    snapshotsSent: 0,
    snapshotsFailed: 0,
    messagesReceived: 0,
    bytesReceived: 0,
  };
}
