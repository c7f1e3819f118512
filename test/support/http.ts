// Tiny v2 client for tests: form-encoded writes, JSON answers with status and headers.
export interface V2Answer {
  status: number;
  body: any;
  headers: Headers;
}

export async function v2(base: string, method: string, key: string, params: Record<string, string | number | boolean> = {}, timeoutMs = 10000): Promise<V2Answer> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const isWrite = method === 'PUT' || method === 'POST';
  const url = `${base}/v2/keys${key}${!isWrite && form.size > 0 ? `?${form}` : ''}`;
  const res = await fetch(url, {
    method,
    headers: isWrite ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: isWrite ? form.toString() : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Runs `count` tasks with at most `concurrency` at a time. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
