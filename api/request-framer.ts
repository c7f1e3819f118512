// Finds where each request line on a connection begins, so that rewriteRequestLine can rewrite
// request lines and nothing else: it follows every request's head and its body (Content-Length or
// chunked) as llhttp will. Bytes pass through as they come; only a request line is held until its
// LF arrives. Whatever it does not follow for certain (a framing llhttp would refuse, an upgrade,
// an overlong line) ends its work: the rest of the connection passes untouched, and llhttp answers
// it as it would have anyway.
import { rewriteRequestLine } from './request-line.js';

/** llhttp's default limit on a request head (Node's --max-http-header-size): no line is longer. */
const MAX_LINE = 16 * 1024;

type State =
  | { at: 'request-line' }
  | { at: 'headers'; contentLength: number | undefined; chunked: boolean; upgrade: boolean }
  | { at: 'body'; left: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; left: number }
  | { at: 'chunk-end' }
  | { at: 'trailers' }
  | { at: 'aside' };

const TE_CHUNKED = /(?:^|,)[ \t]*chunked[ \t]*$/i;

export class RequestFramer {
  private state: State = { at: 'request-line' };
  /** The start of a line not yet ended (only its LF tells what it was). */
  private partial: Buffer = Buffer.alloc(0);
  /** Whether `partial` is a request line, held back, or a copy of bytes already handed on. */
  private withheld = false;
  private upgradeMethod = false;

  /** The bytes to hand on for this chunk, in order. */
  feed(chunk: Buffer): Buffer[] {
    if (this.state.at === 'aside') return [chunk];
    const out: Buffer[] = [];
    let passFrom = 0; // chunk[passFrom, i) passes unchanged
    let i = 0;
    while (i < chunk.length && !this.asideNow()) {
      const s: State = this.state;
      if (s.at === 'body' || s.at === 'chunk-data') {
        const n = Math.min(s.left, chunk.length - i);
        i += n;
        s.left -= n;
        if (s.left === 0) this.state = s.at === 'body' ? { at: 'request-line' } : { at: 'chunk-end' };
        continue;
      }
      const lf = chunk.indexOf(0x0a, i);
      const end = lf < 0 ? chunk.length : lf + 1;
      if (s.at === 'request-line') {
        // The line is held back until it is whole: it may have to leave rewritten.
        if (lf < 0) {
          out.push(chunk.subarray(passFrom, i));
          this.hold(chunk.subarray(i), true);
          passFrom = i = chunk.length;
          break;
        }
        const held = this.partial.length > 0;
        const line = this.take(chunk.subarray(i, end));
        const sent = this.requestLine(line);
        if (held || sent !== line) {
          out.push(chunk.subarray(passFrom, i), sent);
          passFrom = end;
        }
        i = end;
        continue;
      }
      if (lf < 0) {
        this.hold(chunk.subarray(i), false);
        i = chunk.length;
        break;
      }
      this.line(this.take(chunk.subarray(i, end)));
      i = end;
    }
    if (this.asideNow()) out.push(this.flush());
    out.push(chunk.subarray(passFrom));
    return out.filter((b) => b.length > 0);
  }

  /** Read through a method: the loop's narrowing of `state` does not see the calls that change it. */
  private asideNow(): boolean {
    return this.state.at === 'aside';
  }

  /** What is held back when the connection ends: llhttp gets to answer it. */
  flush(): Buffer {
    const rest = this.withheld ? this.partial : Buffer.alloc(0);
    this.partial = Buffer.alloc(0);
    return rest;
  }

  private hold(piece: Buffer, withheld: boolean): void {
    this.partial = this.partial.length === 0 ? Buffer.from(piece) : Buffer.concat([this.partial, piece]);
    this.withheld = withheld;
    if (this.partial.length > MAX_LINE) this.state = { at: 'aside' };
  }

  private take(piece: Buffer): Buffer {
    if (this.partial.length === 0) return piece;
    const line = Buffer.concat([this.partial, piece]);
    this.partial = Buffer.alloc(0);
    return line;
  }

  private requestLine(line: Buffer): Buffer {
    if (isBlank(line)) return line; // llhttp skips empty lines before a request
    this.state = { at: 'headers', contentLength: undefined, chunked: false, upgrade: false };
    const rewritten = rewriteRequestLine(line) ?? line;
    this.upgradeMethod = rewritten.subarray(0, 8).toString('latin1') === 'CONNECT ';
    return rewritten;
  }

  /** A complete line of a head, a chunk size or a chunk's end. */
  private line(line: Buffer): void {
    const s = this.state;
    if (s.at === 'headers') {
      if (isBlank(line)) this.state = this.afterHead(s);
      else this.header(s, line);
    } else if (s.at === 'chunk-size') {
      const size = /^([0-9a-fA-F]{1,15})(?:[ \t]*;[^\r\n]*)?\r?\n$/.exec(line.toString('latin1'));
      if (size === null) this.state = { at: 'aside' };
      else {
        const left = parseInt(size[1]!, 16);
        this.state = left === 0 ? { at: 'trailers' } : { at: 'chunk-data', left };
      }
    } else if (s.at === 'chunk-end') {
      this.state = isBlank(line) ? { at: 'chunk-size' } : { at: 'aside' };
    } else if (s.at === 'trailers' && isBlank(line)) {
      this.state = { at: 'request-line' };
    }
  }

  private header(s: Extract<State, { at: 'headers' }>, line: Buffer): void {
    // Only Content-Length, Transfer-Encoding and Upgrade matter: skip the rest unread.
    const first = line[0]! | 0x20;
    if (first !== 0x63 && first !== 0x74 && first !== 0x75) return;
    const text = line.toString('latin1');
    const colon = text.indexOf(':');
    const name = text.slice(0, colon).toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'content-length') {
      const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(n) || (s.contentLength !== undefined && s.contentLength !== n)) this.state = { at: 'aside' };
      else s.contentLength = n;
    } else if (name === 'transfer-encoding') {
      if (TE_CHUNKED.test(value)) s.chunked = true;
      else this.state = { at: 'aside' };
    } else if (name === 'upgrade') s.upgrade = true;
  }

  private afterHead(s: Extract<State, { at: 'headers' }>): State {
    // What follows an upgrade or CONNECT is no longer HTTP; both framings at once llhttp refuses.
    if (s.upgrade || this.upgradeMethod || (s.chunked && s.contentLength !== undefined)) return { at: 'aside' };
    if (s.chunked) return { at: 'chunk-size' };
    return s.contentLength ? { at: 'body', left: s.contentLength } : { at: 'request-line' };
  }
}

function isBlank(line: Buffer): boolean {
  return line.length === 1 || (line.length === 2 && line[0] === 0x0d);
}
