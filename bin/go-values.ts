// The value syntaxes of Go's flag package (strconv and time.ParseDuration underneath), so a value
// etcd accepts is accepted here and a value etcd rejects is rejected with etcd's words.

/** A flag value Go would refuse; `message` is Go's reason ("parse error", "value out of range"). */
export class GoValueError extends Error {}

const PARSE_ERROR = 'parse error';
const OUT_OF_RANGE = 'value out of range';
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;

/** strconv.ParseBool. */
export function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new GoValueError(PARSE_ERROR);
}

/** strconv.ParseUint(text, 0, 64), as flag.Uint/Uint64 use it: 0x, 0o, 0b and leading-0 octal, `_` between digits. */
export function parseGoUint(text: string): bigint {
  const value = parseUnsignedLiteral(text);
  if (value > MAX_UINT64) throw new GoValueError(OUT_OF_RANGE);
  return value;
}

/** strconv.ParseInt(text, 0, 64), as flag.Int/Int64 use it. */
export function parseGoInt(text: string): bigint {
  const negative = text.startsWith('-');
  const magnitude = parseUnsignedLiteral(/^[+-]/.test(text) ? text.slice(1) : text);
  const value = negative ? -magnitude : magnitude;
  if (value > MAX_INT64 || value < -MAX_INT64 - 1n) throw new GoValueError(OUT_OF_RANGE);
  return value;
}

/**
 * strconv.ParseUint(text, 10, 32) with its own error text, which etcd's --max-concurrent-streams
 * reports verbatim instead of flag's "parse error".
 */
export function parseGoUint32Decimal(text: string): bigint {
  if (!/^[0-9]+$/.test(text)) throw new GoValueError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = BigInt(text);
  if (value > 0xffff_ffffn) throw new GoValueError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

const DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** time.ParseDuration's grammar ("1h30m", "250ms", "0"); only checked, as no duration flag is used. */
export function checkGoDuration(text: string): string {
  if (!DURATION.test(text)) throw new GoValueError(PARSE_ERROR);
  return text;
}

const LITERALS: ReadonlyArray<{ prefix: RegExp; digits: RegExp; radix: bigint }> = [
  { prefix: /^0[xX]/, digits: /^(_?[0-9a-fA-F])+$/, radix: 16n },
  { prefix: /^0[bB]/, digits: /^(_?[01])+$/, radix: 2n },
  { prefix: /^0[oO]/, digits: /^(_?[0-7])+$/, radix: 8n },
  { prefix: /^0(?=[0-9_])/, digits: /^(_?[0-7])+$/, radix: 8n },
  { prefix: /^/, digits: /^[0-9](_?[0-9])*$/, radix: 10n },
];

function parseUnsignedLiteral(text: string): bigint {
  const literal = LITERALS.find((l) => l.prefix.test(text))!;
  const digits = text.replace(literal.prefix, '');
  if (!literal.digits.test(digits)) throw new GoValueError(PARSE_ERROR);
  let value = 0n;
  for (const d of digits.replaceAll('_', '')) value = value * literal.radix + BigInt(parseInt(d, 16));
  return value;
}
