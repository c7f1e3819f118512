// Comparing the key spaces of etcd and raftkv after a migration: recursive listings read moments
// apart, so expirations are compared to the second and remaining TTLs dropped.
export interface Listed {
  key?: string;
  dir?: boolean;
  value?: string;
  expiration?: string;
  ttl?: number;
  nodes?: Listed[];
  modifiedIndex?: number;
  createdIndex?: number;
}

/** A listing with expirations as whole seconds and TTLs dropped. */
export function timeless(n: Listed): object {
  const { expiration, ttl: _ttl, nodes, ...rest } = n;
  return { ...rest, ...(expiration && { expiresAt: Math.round(Date.parse(expiration) / 1000) }), ...(nodes && { nodes: nodes.map(timeless) }) };
}
