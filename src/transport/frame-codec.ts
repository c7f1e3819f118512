// Length-prefixed msgpackr frames: a 4-byte big-endian payload length, then the payload.
// Both ends use this one fixed msgpackr configuration, so nothing is negotiated on the wire.
import { Packr } from 'msgpackr';

/** Larger frames are refused: the receiver drops the connection rather than buffer them. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HEADER_BYTES = 4;

// Plain maps (no records/structures shared between packs); decoded byte strings are copies,
// so a small Entry.data does not pin the large read buffer it arrived in.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, copyBuffers: true });

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** One frame, header included, in a buffer of its own. */
export function encodeFrame(value: unknown): Buffer {
  const payload = packr.pack(value);
  if (payload.length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${payload.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** Reassembles frames from a byte stream cut anywhere; throws FrameError on an oversized or undecodable frame. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private decoded = 0;

  /**
   * `maxFirstFrameBytes` bounds the opening frame apart from the rest: a listener expects a small
   * hello from a stranger, and should not buffer megabytes for whoever connects before it knows them.
   */
  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly maxFirstFrameBytes = maxFrameBytes,
  ) {}

  /** Feeds bytes; returns every frame they complete, decoded. */
  push(bytes: Buffer): unknown[] {
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    const frames: unknown[] = [];
    while (this.buffered >= HEADER_BYTES) {
      const length = this.peekLength();
      const max = this.decoded === 0 ? this.maxFirstFrameBytes : this.maxFrameBytes;
      if (length > max) throw new FrameError(`frame of ${length} bytes exceeds ${max}`);
      if (length === 0) throw new FrameError('empty frame');
      if (this.buffered < HEADER_BYTES + length) break;
      const frame = this.take(HEADER_BYTES + length);
      frames.push(decodePayload(frame.subarray(HEADER_BYTES)));
      this.decoded++;
    }
    return frames;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length < HEADER_BYTES) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readUInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

function decodePayload(payload: Buffer): unknown {
  try {
    return packr.unpack(payload);
  } catch (err) {
    throw new FrameError(`undecodable frame: ${(err as Error).message}`);
  }
}
