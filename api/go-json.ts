// JSON exactly as Go's encoding/json writes it (Go 1.19, the toolchain of etcd 3.4.23), so bodies
// match etcd byte for byte: <, > and & as \u003c \u003e \u0026, U+2028/U+2029 escaped, control
// characters other than \n \r \t as \u00XX, object keys in insertion order.
//
// Go escapes each invalid UTF-8 byte as \ufffd. Our strings were decoded Go-style (go-utf8.ts), so
// an invalid byte arrived here as U+FFFD: we print every U+FFFD as \ufffd, which matches etcd for
// invalid input and differs only (as equivalent JSON) for a literal U+FFFD.

const HEX = '0123456789abcdef';

function escapeCodeUnit(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    default:
      return '\\u' + HEX[c >> 12]! + HEX[(c >> 8) & 15]! + HEX[(c >> 4) & 15]! + HEX[c & 15]!;
  }
}

function needsEscape(c: number): boolean {
  return c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029 || c === 0xfffd;
}

/** Every code unit goString writes differently: what needsEscape names, and surrogates. */
const SPECIAL = /[\u0000-\u001f"\\<>&\u2028\u2029\ufffd\ud800-\udfff]/;

/** A JSON string literal as Go writes it. */
export function goString(s: string): string {
  // Most keys and values need nothing: one native scan instead of a loop over code units.
  if (!SPECIAL.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (needsEscape(c)) escaped = escapeCodeUnit(c);
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid surrogate pair is one character, written as is
        continue;
      }
      escaped = '\\ufffd'; // a lone surrogate has no UTF-8 form: Go would have seen invalid bytes
    }
    if (escaped !== undefined) {
      out += s.slice(start, i) + escaped;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * Any JSON-able value as Go's json.Marshal writes the equivalent Go value. Like JSON.stringify,
 * undefined and functions are left out of objects (null in arrays) and toJSON() is honoured.
 */
export function goJSON(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return goString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? 'null' : goObject(value);
    default:
      return 'null';
  }
}

function goObject(value: object): string {
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') return goJSON(withToJSON.toJSON());
  if (Array.isArray(value)) return '[' + value.map((item) => goJSON(item)).join(',') + ']';
  const fields: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function') continue;
    fields.push(goString(key) + ':' + goJSON(item));
  }
  return '{' + fields.join(',') + '}';
}
