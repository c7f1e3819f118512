// Go's text for a failed os.Open/os.OpenFile, as etcd prints it.

export function goOpenError(path: string, err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory' };
  return `open ${path}: ${(err.code && reasons[err.code]) ?? err.message}`;
}
