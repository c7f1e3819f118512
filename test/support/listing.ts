// etcd v2 listings compared across two servers read moments apart: expirations to the second,
// remaining TTLs dropped (they tick).

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

/** A listing with expirations as whole seconds since the epoch and TTLs dropped. */
export function timeless(n: Listed): object {
  const { expiration, ttl: _ttl, nodes, ...rest } = n;
  return { ...rest, ...(expiration && { expiresAt: Math.round(Date.parse(expiration) / 1000) }), ...(nodes && { nodes: nodes.map(timeless) }) };
}
