// Go's view of bytes as text: a string is bytes, and wherever they are not valid UTF-8 each
// offending byte stands for one U+FFFD (utf8.DecodeRune returns RuneError of width 1).
// WHATWG's TextDecoder replaces maximal subparts instead, so it would print fewer U+FFFD than etcd.

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
export function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f; // no UTF-16 surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  if (i + need >= bytes.length) return 0; // truncated
  const b1 = bytes[i + 1]!;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const b = bytes[i + k]!;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return need + 1;
}

/**
 * Decodes bytes as Go prints them: valid UTF-8 as is, every invalid byte as U+FFFD. Given a lone
 * surrogate as `replacement`, invalid bytes still print as \ufffd (go-json.ts) but the text can
 * never equal one decoded from valid UTF-8, as Go's bytes never would.
 */
export function decodeGoUtf8(bytes: Uint8Array, replacement = '\ufffd'): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += text.toString('utf8', start, i) + replacement;
    i++;
    start = i;
  }
  return out + text.toString('utf8', start);
}
