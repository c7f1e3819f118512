// The body of POST /v2/members and PUT /v2/members/<id>: {"peerURLs": [...]}, checked as etcd's
// httptypes and types.NewURLs check it. Refusals carry etcd's status and Go's message.
import { goJSONSyntaxError } from './go-json-syntax.js';
import { checkPeerURL } from './peer-url.js';

export interface Refusal {
  status: number;
  message: string;
}

/** etcd's own Content-Type test (not Go's mime parser): lower-cased only when a `;` follows. */
export function memberContentTypeRefusal(header: string | undefined): Refusal | undefined {
  let type = header ?? '';
  const semicolon = type.indexOf(';');
  if (semicolon >= 0) type = type.slice(0, semicolon).toLowerCase().trim();
  if (type === 'application/json') return undefined;
  return { status: 415, message: `Bad Content-Type ${type}, accept application/json` };
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number, object
}

const REQUEST_TYPE = 'struct { PeerURLs []string "json:\\"peerURLs\\"" }';

/** json.Unmarshal into {PeerURLs []string}: the field matches case-insensitively; null is "not given". */
function decodePeerURLs(doc: unknown): string[] | Refusal {
  if (doc === null) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { status: 400, message: `json: cannot unmarshal ${jsonKind(doc)} into Go value of type ${REQUEST_TYPE}` };
  }
  let urls: string[] = [];
  let firstError: Refusal | undefined;
  for (const [name, value] of Object.entries(doc)) {
    if (name.toLowerCase() !== 'peerurls') continue;
    if (value === null) urls = [];
    else if (!Array.isArray(value)) {
      firstError ??= { status: 400, message: `json: cannot unmarshal ${jsonKind(value)} into Go struct field .peerURLs of type []string` };
    } else {
      urls = value.map((item: unknown) => {
        if (item === null || typeof item === 'string') return item ?? '';
        firstError ??= { status: 400, message: `json: cannot unmarshal ${jsonKind(item)} into Go struct field .peerURLs of type string` };
        return '';
      });
    }
  }
  return firstError ?? urls;
}

/** The peer URLs of a member request body, sorted as etcd sorts them, or etcd's refusal. */
export function parsePeerURLsBody(body: Uint8Array): string[] | Refusal {
  const syntaxError = goJSONSyntaxError(body);
  if (syntaxError !== undefined) return { status: 400, message: syntaxError };
  const decoded = decodePeerURLs(JSON.parse(Buffer.from(body).toString('utf8')));
  if (!Array.isArray(decoded)) return decoded;
  if (decoded.length === 0) return { status: 400, message: 'no valid URLs given' };
  const urls: string[] = [];
  for (const text of decoded) {
    const checked = checkPeerURL(text);
    if ('error' in checked) return { status: 400, message: checked.error };
    urls.push(checked.url);
  }
  return urls.sort();
}
