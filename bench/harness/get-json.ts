// One HTTP GET whose JSON body is wanted, whatever the status; undefined when the member does not
// answer (not listening yet, paused, killed) or the body is not JSON.
export async function getJSON(url: string, timeoutMs = 2000, fetchFn: typeof fetch = fetch): Promise<any> {
  try {
    const res = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
    return await res.json();
  } catch {
    return undefined;
  }
}
