import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES } from '../../src/transport/frame-codec.js';

describe('frame codec', () => {
  it('decodes frames however the byte stream is cut', () => {
    const values = [{ a: 1 }, { s: 'x'.repeat(300) }, { n: [1, 2, 3] }];
    const bytes = Buffer.concat(values.map(encodeFrame));
    for (const step of [1, 3, 7, 64, bytes.length]) {
      const decoder = new FrameDecoder();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += step) out.push(...decoder.push(bytes.subarray(i, i + step)));
      expect(out).toEqual(values);
    }
  });

  it('round-trips byte arrays as Uint8Arrays that do not share the read buffer', () => {
    const data = new Uint8Array([0, 1, 254, 255]);
    const bytes = encodeFrame({ data, empty: new Uint8Array(0) });
    const [decoded] = new FrameDecoder().push(bytes) as { data: Uint8Array; empty: Uint8Array }[];
    expect(decoded!.data).toBeInstanceOf(Uint8Array);
    expect([...decoded!.data]).toEqual([0, 1, 254, 255]);
    expect(decoded!.empty.length).toBe(0);
    bytes.fill(0);
    expect([...decoded!.data]).toEqual([0, 1, 254, 255]);
  });

  it('refuses a frame whose header announces more than the limit before reading its body', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1);
    expect(() => new FrameDecoder().push(header)).toThrow(FrameError);
  });

  it('bounds the first frame apart from the rest', () => {
    const decoder = new FrameDecoder(1000, 100);
    expect(() => new FrameDecoder(1000, 100).push(encodeFrame({ s: 'y'.repeat(200) }))).toThrow(/exceeds 100/);
    expect(decoder.push(Buffer.concat([encodeFrame({ s: 'hi' }), encodeFrame({ s: 'y'.repeat(200) })]))).toHaveLength(2);
  });

  it('honours a smaller limit given to the decoder', () => {
    expect(() => new FrameDecoder(100).push(encodeFrame({ s: 'y'.repeat(200) }))).toThrow(/exceeds 100/);
  });

  it('reports undecodable and empty payloads as frame errors', () => {
    const garbage = Buffer.from([0, 0, 0, 2, 0xc1, 0xc1]);
    expect(() => new FrameDecoder().push(garbage)).toThrow(FrameError);
    const trailing = Buffer.concat([Buffer.from([0, 0, 0, 2]), new Packr().pack(1), Buffer.from([1])]);
    expect(() => new FrameDecoder().push(trailing)).toThrow(FrameError);
    expect(() => new FrameDecoder().push(Buffer.alloc(4))).toThrow(/empty frame/);
  });
});
