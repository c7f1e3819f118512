// Waiting, for tests and the benchmark harness: poll a condition until it holds or a deadline
// passes, and sleep.

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns something truthy. A check that throws (a member not listening
 * yet) counts as "not yet". Polls every 5 ms at first, backing off to every 50 ms, so a quick
 * in-process condition is seen at once and a slow multi-process one is not hammered.
 *
 * On timeout it throws "timed out after N ms waiting for <what>", with the check's last error
 * and whatever `explain` adds (the tail of every member's output, for a wait on processes).
 */
export async function waitFor(
  what: string,
  check: () => unknown,
  timeoutMs: number,
  explain?: () => string,
  /** The longest pause between polls; a wait that times what it waits for polls more often. */
  maxPauseMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let pauseMs = Math.min(5, maxPauseMs); ; pauseMs = Math.min(maxPauseMs, pauseMs * 2)) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(pauseMs);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  const more = explain?.() ?? '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${more ? `\n${more}` : ''}`);
}
