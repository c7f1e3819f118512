// Go's mime.ParseMediaType, reduced to what Request.ParseForm uses: the media type and the error.
// A malformed Content-Type on a PUT or POST is an etcd error 210 quoting Go's message.

export interface MediaType {
  /** Lower-cased type/subtype; '' when the header could not be parsed at all. */
  type: string;
  error?: string;
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c > 0x20 && c < 0x7f && !TSPECIALS.includes(ch);
}

function consumeToken(v: string): [token: string, rest: string] {
  let i = 0;
  while (i < v.length && isTokenChar(v[i]!)) i++;
  return [v.slice(0, i), v.slice(i)];
}

function consumeValue(v: string): [value: string, rest: string] {
  if (!v.startsWith('"')) return consumeToken(v);
  let value = '';
  for (let i = 1; i < v.length; i++) {
    const ch = v[i]!;
    if (ch === '"') return [value, v.slice(i + 1)];
    // Go takes a backslash before a non-special character literally (MSIE file paths).
    if (ch === '\\' && i + 1 < v.length && TSPECIALS.includes(v[i + 1]!)) {
      value += v[++i];
      continue;
    }
    if (ch === '\r' || ch === '\n') return ['', v];
    value += ch;
  }
  return ['', v]; // no closing quote
}

function trimLeftSpace(s: string): string {
  return s.replace(/^[\s\u0085]+/, '');
}

/** One `; name=value`; an empty name means it did not parse (rest is then the input). */
function consumeMediaParam(v: string): [name: string, value: string, rest: string] {
  let rest = trimLeftSpace(v);
  if (!rest.startsWith(';')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  let name: string;
  [name, rest] = consumeToken(rest);
  if (name === '') return ['', '', v];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  const [value, afterValue] = consumeValue(rest);
  if (value === '' && afterValue === rest) return ['', '', v];
  return [name.toLowerCase(), value, afterValue];
}

function checkType(type: string): string | undefined {
  const [main, rest] = consumeToken(type);
  if (main === '') return 'mime: no media type';
  if (rest === '') return undefined;
  if (!rest.startsWith('/')) return 'mime: expected slash after first token';
  const [sub, after] = consumeToken(rest.slice(1));
  if (sub === '') return 'mime: expected token after slash';
  if (after !== '') return 'mime: unexpected content after media subtype';
  return undefined;
}

export function parseMediaType(header: string): MediaType {
  const semicolon = header.indexOf(';');
  const base = semicolon < 0 ? header : header.slice(0, semicolon);
  const type = base.toLowerCase().trim();
  const typeError = checkType(type);
  if (typeError !== undefined) return { type: '', error: typeError };
  const seen = new Set<string>();
  let v = header.slice(base.length);
  while (v.length > 0) {
    v = trimLeftSpace(v);
    if (v === '') break;
    const [name, , rest] = consumeMediaParam(v);
    if (name === '') {
      if (rest.trim() === ';') break; // a trailing semicolon is allowed
      return { type, error: 'mime: invalid media parameter' };
    }
    if (seen.has(name)) return { type: '', error: 'mime: duplicate parameter name' };
    seen.add(name);
    v = rest;
  }
  return { type };
}
