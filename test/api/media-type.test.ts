// Messages as etcd quoted them in its 210 answers to a PUT with these Content-Types.
import { describe, expect, it } from 'vitest';
import { parseMediaType } from '../../api/media-type.js';

describe('parseMediaType is mime.ParseMediaType as Go 1.19 has it', () => {
  it('lower-cases the type and accepts parameters, quoted ones and a trailing semicolon', () => {
    expect(parseMediaType('APPLICATION/X-WWW-FORM-URLENCODED ; charset=utf-8')).toEqual({ type: 'application/x-www-form-urlencoded' });
    expect(parseMediaType('text/plain; a="x;y\\"z"; b=c;')).toEqual({ type: 'text/plain' });
    expect(parseMediaType('text')).toEqual({ type: 'text' });
  });

  it('names a missing, cut or overlong media type', () => {
    expect(parseMediaType('; charset=utf-8')).toEqual({ type: '', error: 'mime: no media type' });
    expect(parseMediaType('text/')).toEqual({ type: '', error: 'mime: expected token after slash' });
    expect(parseMediaType('text plain')).toEqual({ type: '', error: 'mime: expected slash after first token' });
    expect(parseMediaType('text/plain junk')).toEqual({ type: '', error: 'mime: unexpected content after media subtype' });
  });

  it('keeps the type but reports a malformed parameter', () => {
    expect(parseMediaType('application/x-www-form-urlencoded; charset')).toEqual({
      type: 'application/x-www-form-urlencoded',
      error: 'mime: invalid media parameter',
    });
    expect(parseMediaType('text/plain; a="unterminated')).toEqual({ type: 'text/plain', error: 'mime: invalid media parameter' });
  });

  it('refuses a repeated parameter, even with the same value', () => {
    expect(parseMediaType('text/plain; a=1; A=1')).toEqual({ type: '', error: 'mime: duplicate parameter name' });
  });
});
