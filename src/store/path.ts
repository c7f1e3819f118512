// Key paths as etcd v2 treats them: cleaned like Go's path.Clean, `_` names hidden, keys
// ordered by their UTF-8 bytes (Go's string comparison).

/** Go's path.Clean(path.Join("/", key)): rooted, no empty, `.` or `..` parts, no trailing slash. */
export function cleanPath(key: string): string {
  if (isClean(key)) return key;
  const parts: string[] = [];
  for (const part of key.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

/** Rooted, and every component real: not empty (no `//`, no trailing slash), not `.`, not `..`. */
function isClean(key: string): boolean {
  if (key.charCodeAt(0) !== SLASH) return false;
  if (key.length === 1) return true;
  for (let start = 1; ; ) {
    const slash = key.indexOf('/', start);
    const end = slash < 0 ? key.length : slash;
    const length = end - start;
    if (length === 0) return false;
    if (length <= 2 && key.charCodeAt(start) === DOT && key.charCodeAt(end - 1) === DOT) return false;
    if (slash < 0) return true;
    start = slash + 1;
  }
}

const SLASH = 0x2f;
const DOT = 0x2e;
const UNDERSCORE = 0x5f;

export function childPath(parentPath: string, name: string): string {
  return parentPath === '/' ? '/' + name : parentPath + '/' + name;
}

/** A node whose own name starts with `_` is left out of its directory's listings. */
export function isHiddenName(name: string): boolean {
  return name.charCodeAt(0) === UNDERSCORE;
}

/**
 * Whether an event on keyPath is hidden from a watcher at watchPath: some component below
 * the watched path starts with `_`. A watch path deeper than the key (a watcher inside a
 * deleted directory) never hides.
 */
export function isHiddenBelow(watchPath: string, keyPath: string): boolean {
  if (watchPath.length > keyPath.length) return false;
  return cleanPath('/' + keyPath.slice(watchPath.length)).includes('/_');
}

/** Orders strings as Go does (by UTF-8 bytes, i.e. by code point), not by UTF-16 units. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (code points above U+FFFF) after U+E000..U+FFFF, where UTF-8 puts them. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
