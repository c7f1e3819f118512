// Large msgpack values (a snapshot of 100k keys is ~27 MiB) written without msgpackr's growing
// scratch buffer. Packing one big value grows msgpackr's shared buffer by doubling and quadrupling
// it, copying as it goes: one 27 MiB snapshot left ~90 MiB of buffers behind for the collector,
// which an idle member keeps in its RSS. Here a big array is packed in small chunks, each chunk's
// bytes copied out of the scratch buffer, and the whole value is written once into a buffer of its
// exact size. The bytes are plain msgpack: any msgpack reader decodes them as one value.
import type { Packr } from 'msgpackr';

/** One msgpack value as the byte pieces that, concatenated, encode it. */
export class PackedParts {
  constructor(readonly pieces: readonly Uint8Array[]) {}

  get byteLength(): number {
    let n = 0;
    for (const p of this.pieces) n += p.byteLength;
    return n;
  }

  /** The value's bytes, in one buffer of their own. */
  join(): Buffer {
    return finishSteps(joinSteps(this));
  }
}

/**
 * Work done a step at a time: finishSteps() runs it now; a caller that must not hold the event loop
 * (a member encoding a snapshot of 100k keys) runs one step per turn.
 */
export type Steps<T> = Generator<void, T, void>;

export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Bytes copied per step when pieces are joined. */
const JOIN_STEP_BYTES = 4 * 1024 * 1024;

/** The bytes of `parts` in one buffer of their own, a few MiB copied per step. */
export function* joinSteps(parts: PackedParts): Steps<Buffer> {
  // Not zeroed: the pieces fill every byte of it.
  const out = Buffer.allocUnsafe(parts.byteLength);
  let at = 0;
  let sinceStep = 0;
  for (const piece of parts.pieces) {
    out.set(piece, at);
    at += piece.byteLength;
    sinceStep += piece.byteLength;
    if (sinceStep >= JOIN_STEP_BYTES) {
      sinceStep = 0;
      yield;
    }
  }
  return out;
}

const CHUNK_ITEMS = 6_000;

function arrayHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x90 | count);
  if (count < 0x10000) return Uint8Array.of(0xdc, count >> 8, count & 0xff);
  const h = Buffer.alloc(5);
  h[0] = 0xdd;
  h.writeUInt32BE(count, 1);
  return h;
}

function mapHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x80 | count);
  if (count < 0x10000) return Uint8Array.of(0xde, count >> 8, count & 0xff);
  throw new Error(`a packed map of ${count} fields`);
}

/** The length of the array header msgpackr wrote at the start of `bytes`. */
function arrayHeaderLength(bytes: Uint8Array): number {
  const first = bytes[0]!;
  if ((first & 0xf0) === 0x90) return 1;
  if (first === 0xdc) return 3;
  if (first === 0xdd) return 5;
  throw new Error(`not a msgpack array (first byte 0x${first.toString(16)})`);
}

/** Copied out: msgpackr reuses its scratch buffer for the next value. */
const own = (bytes: Uint8Array): Uint8Array => Uint8Array.prototype.slice.call(bytes);

/** An array of many small items, packed a chunk at a time (a step each). */
export function* packLargeArraySteps(packr: Packr, items: readonly unknown[]): Steps<PackedParts> {
  const pieces = [arrayHeader(items.length)];
  for (let from = 0; from < items.length; from += CHUNK_ITEMS) {
    if (from > 0) yield;
    const chunk = packr.pack(items.slice(from, from + CHUNK_ITEMS));
    pieces.push(own(chunk.subarray(arrayHeaderLength(chunk))));
  }
  return new PackedParts(pieces);
}

/** One value packed now, its bytes copied out of msgpackr's scratch buffer. */
export function packValue(packr: Packr, value: unknown): PackedParts {
  return new PackedParts([own(packr.pack(value))]);
}

/** A map with string keys, in the given order; a PackedParts value is taken as already packed. */
export function packMap(packr: Packr, fields: readonly [string, unknown][]): PackedParts {
  const pieces = [mapHeader(fields.length)];
  for (const [key, value] of fields) {
    pieces.push(own(packr.pack(key)));
    pieces.push(...(value instanceof PackedParts ? value : packValue(packr, value)).pieces);
  }
  return new PackedParts(pieces);
}

/** A msgpack bin value (a byte string) holding `bytes` (or the bytes `bytes` join to), not copied. */
export function packBin(bytes: Uint8Array | PackedParts): PackedParts {
  const h = Buffer.alloc(5);
  h[0] = 0xc6;
  h.writeUInt32BE(bytes.byteLength, 1);
  return new PackedParts([h, ...(bytes instanceof PackedParts ? bytes.pieces : [bytes])]);
}
