// Byte-array helpers for opaque contexts (read requests, campaign kind).

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** A string usable as a Map key that is equal for equal bytes. */
export function bytesKey(bytes: Uint8Array): string {
  let key = '';
  for (const b of bytes) key += b.toString(16).padStart(2, '0');
  return key;
}
