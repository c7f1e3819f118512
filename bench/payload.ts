// Write payloads.

/** A value of exactly `size` bytes that starts with `id`, so a read-back can tell writes apart. */
export function valueOf(id: string, size: number): string {
  return id.length >= size ? id.slice(0, size) : id + 'x'.repeat(size - id.length);
}
