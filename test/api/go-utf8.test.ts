import { describe, expect, it } from 'vitest';
import { goJSON } from '../../api/go-json.js';
import { decodeGoUtf8 } from '../../api/go-utf8.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('decodeGoUtf8 replaces each invalid byte with one U+FFFD, as Go prints them', () => {
  it('keeps valid sequences of every length', () => {
    expect(decodeGoUtf8(Buffer.from('aé€😀'))).toBe('aé€😀');
  });

  it('a lone high byte is one replacement', () => {
    expect(decodeGoUtf8(bytes(0x61, 0xff, 0x62))).toBe('a\ufffdb');
  });

  it('a truncated sequence is one replacement per byte (etcd showed %E2%82 as two)', () => {
    expect(decodeGoUtf8(bytes(0xe2, 0x82))).toBe('\ufffd\ufffd');
    expect(decodeGoUtf8(bytes(0xe2, 0x82, 0x41))).toBe('\ufffd\ufffdA');
  });

  it('rejects overlong forms, UTF-16 surrogates and code points past U+10FFFF byte by byte', () => {
    expect(decodeGoUtf8(bytes(0xc0, 0x80))).toBe('\ufffd\ufffd');
    expect(decodeGoUtf8(bytes(0xe0, 0x80, 0x80))).toBe('\ufffd\ufffd\ufffd');
    expect(decodeGoUtf8(bytes(0xed, 0xa0, 0x80))).toBe('\ufffd\ufffd\ufffd');
    expect(decodeGoUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe('\ufffd\ufffd\ufffd\ufffd');
  });

  it('can stand a lone surrogate for each invalid byte: printed as Go prints it, never equal to decoded valid text', () => {
    const name = decodeGoUtf8(bytes(0x61, 0xff), '\ud800');
    expect(name).toBe('a\ud800');
    expect(name).not.toBe(decodeGoUtf8(Buffer.from('a\ufffd')));
    expect(goJSON(name)).toBe('"a\\ufffd"');
  });
});
