// Go's value syntaxes for flags (strconv.ParseBool, ParseUint/ParseInt with base 0,
// time.ParseDuration), which decide what etcd accepts.
import { describe, expect, it } from 'vitest';
import { GoValueError, checkGoDuration, parseGoBool, parseGoInt, parseGoUint, parseGoUint32Decimal } from '../../bin/go-values.js';

describe('bools', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (text) => expect(parseGoBool(text)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (text) => expect(parseGoBool(text)).toBe(false));
  it.each(['', 'yes', 'on', 'tRUE', '2'])('%j is a parse error', (text) => expect(() => parseGoBool(text)).toThrow(new GoValueError('parse error')));
});

describe('unsigned integers', () => {
  it.each([
    ['0', 0n],
    ['100', 100n],
    ['0x1F', 31n],
    ['0X_ff', 255n],
    ['010', 8n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['1_000_000', 1_000_000n],
    ['18446744073709551615', 18446744073709551615n],
  ])('%s is %s', (text, value) => expect(parseGoUint(text)).toBe(value));

  it.each(['', '-1', '+1', '09', '0x', '1__0', '_1', '1_', '1.5', ' 1', 'abc'])('%j is a parse error', (text) => {
    expect(() => parseGoUint(text)).toThrow(new GoValueError('parse error'));
  });

  it('is out of range beyond 64 bits', () => {
    expect(() => parseGoUint('18446744073709551616')).toThrow(new GoValueError('value out of range'));
  });
});

describe('signed integers', () => {
  it.each([
    ['-5', -5n],
    ['+5', 5n],
    ['-0x10', -16n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('%s is %s', (text, value) => expect(parseGoInt(text)).toBe(value));

  it('is out of range beyond 63 bits', () => {
    expect(() => parseGoInt('9223372036854775808')).toThrow(new GoValueError('value out of range'));
  });

  it('rejects a bare sign', () => expect(() => parseGoInt('-')).toThrow(new GoValueError('parse error')));
});

describe('32-bit decimal, as --max-concurrent-streams reads it', () => {
  it('takes decimal digits only, with strconv\'s own messages', () => {
    expect(parseGoUint32Decimal('4294967295')).toBe(4294967295n);
    expect(() => parseGoUint32Decimal('0x10')).toThrow('strconv.ParseUint: parsing "0x10": invalid syntax');
    expect(() => parseGoUint32Decimal('4294967296')).toThrow('strconv.ParseUint: parsing "4294967296": value out of range');
  });
});

describe('durations', () => {
  it.each(['0', '5s', '100ms', '2h', '1h30m', '1.5s', '.5s', '-3m', '10us', '10µs'])('%s is a duration', (text) => {
    expect(checkGoDuration(text)).toBe(text);
  });
  it.each(['', '5', 'soon', '1d', 's', '1.s.'])('%j is a parse error', (text) => {
    expect(() => checkGoDuration(text)).toThrow(new GoValueError('parse error'));
  });
});
