// Member and cluster ids derived exactly as etcd derives them, so a raftkv cluster started with
// the same peer URLs and token reports the same ids as etcd would.
//
// Inside raftkv an id is 16 lowercase hex digits, zero-padded, so that string order is numeric
// order (Raft sorts voters by id). etcd's API prints ids without leading zeros: see formatId.
import { createHash } from 'node:crypto';

const ID_DIGITS = 16;
const HEX_ID = /^[0-9a-fA-F]{1,16}$/;

/**
 * sha1(sorted peer URLs concatenated + cluster token [+ unix seconds]), first 8 bytes big-endian.
 * Members of the initial cluster use --initial-cluster-token and no time. A member added at runtime
 * (POST /v2/members) gets the time it was added, so re-adding the same URLs makes a new id; etcd's
 * v2 API passes an empty token there.
 */
export function memberIdFor(peerUrls: readonly string[], clusterToken: string, addedAtUnixSeconds?: number): string {
  const input = [...peerUrls].sort().join('') + clusterToken + (addedAtUnixSeconds === undefined ? '' : String(addedAtUnixSeconds));
  return first8BytesOfSha1(Buffer.from(input, 'utf8'));
}

/** sha1 over the member ids sorted numerically, each as 8 big-endian bytes; first 8 bytes of it. */
export function clusterIdFor(memberIds: readonly string[]): string {
  const sorted = memberIds.map(canonicalId).sort();
  const bytes = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => bytes.writeBigUInt64BE(BigInt(`0x${id}`), 8 * i));
  return first8BytesOfSha1(bytes);
}

/** An id as etcd's API prints it (`/v2/members`, `X-Etcd-Cluster-Id`, stats): hex without leading zeros. */
export function formatId(id: string): string {
  return canonicalId(id).replace(/^0+(?=.)/, '');
}

/** Reads an id as etcd accepts it from clients (hex, up to 64 bits, leading zeros optional); undefined if malformed. */
export function parseId(text: string): string | undefined {
  return HEX_ID.test(text) ? canonicalId(text) : undefined;
}

function canonicalId(id: string): string {
  if (!HEX_ID.test(id)) throw new Error(`not a member id: ${JSON.stringify(id)}`);
  return id.toLowerCase().padStart(ID_DIGITS, '0');
}

function first8BytesOfSha1(data: Buffer): string {
  return createHash('sha1').update(data).digest().subarray(0, 8).toString('hex');
}
