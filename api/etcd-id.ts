// Member and cluster ids as etcd's API shows and reads them: hex without leading zeros out,
// any hex up to 64 bits in. Inside raftkv an id is 16 zero-padded lowercase hex digits.

/** How etcd prints an id (types.ID.String()). */
export function etcdId(id: string): string {
  return id.toLowerCase().replace(/^0+(?=.)/, '');
}

/** An id from a client (strconv.ParseUint(s, 16, 64)) in raftkv's form; undefined if malformed. */
export function parseEtcdId(text: string): string | undefined {
  if (!/^[0-9a-fA-F]+$/.test(text)) return undefined;
  const value = BigInt('0x' + text);
  return value < 2n ** 64n ? value.toString(16).padStart(16, '0') : undefined;
}

/** Orders ids numerically, as etcd lists members. */
export function compareIds(a: string, b: string): number {
  const x = BigInt('0x' + a);
  const y = BigInt('0x' + b);
  return x < y ? -1 : x > y ? 1 : 0;
}
