// Member ids as etcd's API reads them: any hex up to 64 bits (src/server/ids.ts formatId
// prints them). Inside raftkv an id is 16 zero-padded lowercase hex digits.

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
