// Go's Request.ParseForm, which is how etcd reads every /v2/keys parameter: the query string
// plus, for PUT and POST with Content-Type application/x-www-form-urlencoded, the body. Body values
// come first, so of a name given in both the body's value counts. Errors are Go's messages.
import { decodeGoUtf8 } from './go-utf8.js';
import { EscapeError, bytesOf, unescape } from './go-url.js';
import { parseMediaType } from './media-type.js';

/** Go's url.Values: every value of a name, in order. Only the first one is ever used. */
export type FormValues = Map<string, string[]>;

export interface ParsedForm {
  values: FormValues;
  /** ParseForm's error: the body's if it had one, else the query's. */
  error?: string;
}

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** url.ParseQuery into `values`; returns Go's error, whose values are still kept (Go 1.19 rules). */
export function parseQuery(raw: Uint8Array, values: FormValues): string | undefined {
  let error: string | undefined;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(0x26, start); // '&'
    if (end < 0) end = raw.length;
    const pair = raw.subarray(start, end);
    start = end + 1;
    if (pair.includes(0x3b)) {
      error = 'invalid semicolon separator in query'; // Go overwrites any earlier error here
      continue;
    }
    if (pair.length === 0) continue;
    const eq = pair.indexOf(0x3d); // '='
    try {
      const name = decodeGoUtf8(unescape(eq < 0 ? pair : pair.subarray(0, eq), true));
      const value = decodeGoUtf8(unescape(eq < 0 ? new Uint8Array() : pair.subarray(eq + 1), true));
      const list = values.get(name);
      if (list) list.push(value);
      else values.set(name, [value]);
    } catch (err) {
      if (!(err instanceof EscapeError)) throw err;
      error ??= err.message;
    }
  }
  return error;
}

/** What ParseForm does with a request's body before reading it. */
export interface BodyPlan {
  /** Whether the body is a form to read. */
  read: boolean;
  /** An error already known from the Content-Type header. */
  error?: string;
}

/** Go parses a body only for POST, PUT and PATCH, and only a form body; an absent type is octet-stream. */
export function planBody(method: string, contentType: string | undefined): BodyPlan {
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return { read: false };
  const media = parseMediaType(contentType || 'application/octet-stream');
  return media.error === undefined ? { read: media.type === FORM_MEDIA_TYPE } : { read: media.type === FORM_MEDIA_TYPE, error: media.error };
}

/**
 * The body's values and error, then the query's appended, as ParseForm merges them. The body's
 * map is taken over and added to, not copied: this runs for every /v2/keys request.
 */
export function mergeForm(body: ParsedForm, rawQuery: string): ParsedForm {
  const values = body.values;
  const queryError = rawQuery === '' ? undefined : parseQuery(bytesOf(rawQuery), values);
  const error = body.error ?? queryError;
  return error === undefined ? { values } : { values, error };
}

/** The first value of a name (Go's Values.Get); undefined when the name is absent. */
export function firstValue(form: FormValues, name: string): string | undefined {
  return form.get(name)?.[0];
}
