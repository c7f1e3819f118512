// Go's encoding/json syntax check (checkValid), for its error messages: etcd answers a malformed
// /v2/members body with {"message": <Go's error>}. Like Go's scanner it keeps open containers on
// an explicit stack (no recursion, so no nesting can exhaust ours) and refuses nesting deeper
// than 10000. At the end of the input Go feeds its scanner a space: inside a literal, a number or
// an escape that is the error ("invalid character ' ' in literal true"), elsewhere the input
// just ended ("unexpected end of JSON input").
import { goQuote } from './go-url.js';

const MAX_NESTING_DEPTH = 10000;

class SyntaxFailure extends Error {}

/** The scanner's quoteChar: the byte as a rune, in single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const quoted = goQuote(Buffer.from(String.fromCharCode(c), 'utf8'));
  return "'" + quoted.slice(1, -1) + "'";
}

interface Container {
  kind: 'object' | 'array';
  empty: boolean;
}

class Scanner {
  private i = 0;
  private readonly open: Container[] = [];
  constructor(private readonly s: Uint8Array) {}

  /** Fails at the current byte; `inToken` when a space there would be an error too. */
  private fail(context: string, inToken = false): never {
    if (this.i < this.s.length) throw new SyntaxFailure(`invalid character ${quoteChar(this.s[this.i]!)} ${context}`);
    if (inToken) throw new SyntaxFailure(`invalid character ' ' ${context}`);
    throw new SyntaxFailure('unexpected end of JSON input');
  }

  private skipSpace(): void {
    while (this.i < this.s.length && [0x20, 0x09, 0x0a, 0x0d].includes(this.s[this.i]!)) this.i++;
  }

  private peek(): number {
    return this.i < this.s.length ? this.s[this.i]! : -1;
  }

  document(): void {
    this.topValue();
    this.skipSpace();
    if (this.i < this.s.length) this.fail('after top-level value');
  }

  /** Reads one whole value and answers where it ends. */
  topValue(): number {
    this.value();
    while (this.open.length > 0) {
      const top = this.open[this.open.length - 1]!;
      this.skipSpace();
      const c = this.peek();
      const close = top.kind === 'array' ? 0x5d : 0x7d;
      if (c === close) {
        this.i++;
        this.open.pop();
        continue;
      }
      if (!top.empty) {
        if (c !== 0x2c) this.fail(top.kind === 'array' ? 'after array element' : 'after object key:value pair');
        this.i++;
      }
      top.empty = false;
      if (top.kind === 'object') this.key();
      this.value();
    }
    return this.i;
  }

  private key(): void {
    this.skipSpace();
    if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
    this.string();
    this.skipSpace();
    if (this.peek() !== 0x3a) this.fail('after object key');
    this.i++;
  }

  /** A scalar is read whole; a container is only opened, for document() to fill. */
  private value(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === 0x7b || c === 0x5b) {
      if (this.open.length >= MAX_NESTING_DEPTH) this.fail('exceeded max depth');
      this.i++;
      this.open.push({ kind: c === 0x7b ? 'object' : 'array', empty: true });
    } else if (c === 0x22) this.string();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.fail('looking for beginning of value');
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0) this.fail('');
      if (c < 0x20) this.fail('in string literal');
      this.i++;
      if (c !== 0x5c) continue;
      const e = this.peek();
      if (e === 0x75) {
        this.i++;
        for (let k = 0; k < 4; k++) {
          if (!/[0-9a-fA-F]/.test(String.fromCharCode(this.peek()))) this.fail('in \\u hexadecimal character escape', true);
          this.i++;
        }
      } else if ([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) this.i++;
      else this.fail('in string escape code', true);
    }
  }

  private isDigit(): boolean {
    const c = this.peek();
    return c >= 0x30 && c <= 0x39;
  }

  private digits(context: string): void {
    if (!this.isDigit()) this.fail(context, true);
    while (this.isDigit()) this.i++;
  }

  private number(): void {
    if (this.peek() === 0x2d) this.i++;
    if (this.peek() === 0x30) this.i++;
    else this.digits('in numeric literal');
    if (this.peek() === 0x2e) {
      this.i++;
      this.digits('after decimal point in numeric literal');
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      this.digits('in exponent of numeric literal');
    }
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.peek() !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`, true);
      this.i++;
    }
  }
}

/** Go's json syntax error message for the bytes, or undefined when they are valid JSON. */
export function goJSONSyntaxError(bytes: Uint8Array): string | undefined {
  try {
    new Scanner(bytes).document();
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxFailure) return err.message;
    throw err;
  }
}

/**
 * Where the first JSON value in the bytes ends, as json.Decoder.Decode reads one value and leaves
 * the rest; undefined when that value is not valid JSON.
 */
export function goJSONValueEnd(bytes: Uint8Array): number | undefined {
  try {
    return new Scanner(bytes).topValue();
  } catch (err) {
    if (err instanceof SyntaxFailure) return undefined;
    throw err;
  }
}
