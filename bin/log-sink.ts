// What zap (etcd's --logger=zap) makes of a --log-outputs value that is not a keyword: a URL, where
// no scheme means a file path and file:// URLs name a file. Only what zap accepts as a file is
// accepted, so a value never opens a different file here than in etcd.
import { fileURLToPath } from 'node:url';

/** Go's url.Parse sees a scheme when the text starts with one and a colon. */
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** 'stdout', 'stderr' or the file path to append to; or why zap would not open it. */
export function logSinkPath(text: string): string | { problem: string } {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') return { problem: `no sink found for scheme ${JSON.stringify(scheme)}` };
  if (scheme === 'file') return fileUrlPath(text);
  // zap decodes %-escapes and cuts at ? and #; a path holding them would name another file.
  if (/[?#%]/.test(text)) return { problem: `raftkv does not read '?', '#' or '%' in a log file path (etcd's zap reads the path as a URL): use a file:// URL` };
  return text;
}

function fileUrlPath(text: string): string | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `can't parse ${JSON.stringify(text)} as a URL` };
  }
  if (url.username || url.password) return { problem: `user and password not allowed with file URLs: got ${text}` };
  if (url.hash) return { problem: `fragments not allowed with file URLs: got ${text}` };
  if (url.search) return { problem: `query parameters not allowed with file URLs: got ${text}` };
  if (url.port) return { problem: `ports not allowed with file URLs: got ${text}` };
  // WHATWG URLs drop a localhost host, as zap allows it.
  if (url.hostname) return { problem: `file URLs must leave host empty or use localhost: got ${text}` };
  try {
    return fileURLToPath(url);
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
